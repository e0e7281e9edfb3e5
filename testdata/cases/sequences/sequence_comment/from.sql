CREATE SCHEMA counters;
CREATE SEQUENCE counters.receipt_seq;
