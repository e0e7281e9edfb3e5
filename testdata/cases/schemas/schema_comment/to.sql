CREATE SCHEMA audit;
COMMENT ON SCHEMA audit IS 'audit trail, append only';
CREATE SCHEMA reporting;
COMMENT ON SCHEMA reporting IS 'read models for dashboards';
