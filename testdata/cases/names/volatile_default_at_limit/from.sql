CREATE TABLE public.orders_with_a_table_name_long_enough_to_reach_the_limit_x_x_x (
    id bigint PRIMARY KEY,
    amount_column_name_long_enough_to_reach_the_identifier_limit_a_ integer,
    amount_column_name_long_enough_to_reach_the_identifier_limit_b_ integer,
    note_column_name_long_enough_to_reach_the_identifier_lim_x text
);
INSERT INTO public.orders_with_a_table_name_long_enough_to_reach_the_limit_x_x_x (id, amount_column_name_long_enough_to_reach_the_identifier_limit_a_, amount_column_name_long_enough_to_reach_the_identifier_limit_b_, note_column_name_long_enough_to_reach_the_identifier_lim_x) SELECT g, g, g, 'n' || g FROM generate_series(1, 50) g;
