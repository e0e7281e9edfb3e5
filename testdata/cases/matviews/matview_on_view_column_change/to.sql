CREATE TABLE public.readings (id int PRIMARY KEY, sensor varchar(40) NOT NULL, value double precision);
CREATE VIEW public.readings_v AS SELECT sensor, value FROM public.readings;
CREATE MATERIALIZED VIEW public.sensor_avg AS SELECT sensor, avg(value) AS avg_value FROM public.readings_v GROUP BY sensor;
