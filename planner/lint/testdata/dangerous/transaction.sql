-- expect: enum-add-value-in-transaction, concurrently-in-transaction, validate-in-same-transaction
SET LOCAL lock_timeout = '2s';
BEGIN;
ALTER TYPE order_status ADD VALUE 'refunded';
UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_total_pos CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_pos;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
COMMIT;
