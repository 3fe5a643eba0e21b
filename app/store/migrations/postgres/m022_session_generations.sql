-- A session names its account's generation; raising it ends every copy of the cookie
-- (sign-out, a new password, "sign out everywhere"). An invitee's session names the
-- generation of the password it used: a resend ends it.
ALTER TABLE admins ADD COLUMN session_gen integer NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN password_gen integer NOT NULL DEFAULT 0;
UPDATE invitations SET password_gen = 1 WHERE status = 'sent';
