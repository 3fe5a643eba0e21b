-- The files a job made (coupon PDFs, exports), kept in the database rather than on the
-- disk of whichever host ran the job, so any host serves any download.
CREATE TABLE job_files (
    job_id bigint NOT NULL REFERENCES jobs(id),
    part integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (job_id, part)
);
