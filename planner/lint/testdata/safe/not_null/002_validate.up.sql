SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = 0;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
