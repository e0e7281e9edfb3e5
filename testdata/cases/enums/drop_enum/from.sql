CREATE TYPE public.color AS ENUM ('red', 'green', 'blue');
CREATE TYPE public.size AS ENUM ('s', 'm', 'l');
