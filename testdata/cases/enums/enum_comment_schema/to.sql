CREATE SCHEMA shop;
CREATE TYPE shop.flag AS ENUM ('new', 'sale', 'featured');
COMMENT ON TYPE shop.flag IS 'product badges';
CREATE TABLE shop.products (id int PRIMARY KEY, flags shop.flag[] NOT NULL DEFAULT '{}');
