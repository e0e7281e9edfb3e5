CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'audit trail';
CREATE SCHEMA reporting;
