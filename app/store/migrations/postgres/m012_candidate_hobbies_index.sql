CREATE INDEX candidate_hobbies_candidate ON candidate_hobbies (candidate_id);
