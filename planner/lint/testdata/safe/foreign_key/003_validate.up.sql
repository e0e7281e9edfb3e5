SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = 0;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_pos;
