CREATE SCHEMA counters;
CREATE SEQUENCE counters.receipt_seq MAXVALUE 99999999;
COMMENT ON SEQUENCE counters.receipt_seq IS 'receipt numbers, 8 digits';
