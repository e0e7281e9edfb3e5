SET LOCAL lock_timeout = '2s';
ALTER TABLE events ADD COLUMN id uuid;
ALTER TABLE events ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE events ADD COLUMN kind text NOT NULL DEFAULT 'unknown';
CREATE TABLE event_tags (event_id uuid NOT NULL, tag text NOT NULL, PRIMARY KEY (event_id, tag));
CREATE INDEX event_tags_tag_idx ON event_tags (tag);
