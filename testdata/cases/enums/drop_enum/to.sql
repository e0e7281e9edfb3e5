CREATE TYPE public.size AS ENUM ('s', 'm', 'l');
