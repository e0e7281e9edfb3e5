CREATE SCHEMA shop;
CREATE TABLE shop.products (id int PRIMARY KEY);
