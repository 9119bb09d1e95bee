# Scale-out: a coordinator and two shard servers joined by postgres_fdw.
# quota_ext is installed on all three (in the schema analytics, so the
# remote sessions' minimal search_path is exercised too) and named in the
# foreign servers' `extensions` option, so its functions, aggregates and
# types are shipped to the shards.
#
# Proves, on the same deterministic rows held sharded and on one node:
#  1. grouped by the partition key, rfm_kinetic, rfm_summary, btyd_summary
#     and demand_cv run entirely on the shards (partitionwise aggregate,
#     each aggregate named in the Remote SQL) and give the single-node answer;
#  2. grouped by another key, X_partial runs on the shards and X_merge on
#     the coordinator, and the merged answer equals X on one node -- so the
#     state types survive postgres_fdw's text transfer, also when the
#     coordinator's DateStyle, IntervalStyle and extra_float_digits differ
#     from the remote session's; bgnbd_fit likewise over shard-side
#     btyd_summary views;
#  3. on one node, forced parallel plans are Finalize over Gather over
#     Partial and give the serial answer.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $ext = 'CREATE SCHEMA analytics; CREATE EXTENSION quota_ext SCHEMA analytics;';
my @shards;
for my $i (1 .. 2)
{
	my $node = PostgreSQL::Test::Cluster->new("shard$i");
	$node->init;
	$node->start;
	$node->safe_psql('postgres', $ext);
	push @shards, $node;
}
my $coord = PostgreSQL::Test::Cluster->new('coordinator');
$coord->init;
$coord->append_conf('postgresql.conf', "max_parallel_workers_per_gather = 2\n");
$coord->start;
$coord->safe_psql('postgres', "$ext CREATE EXTENSION postgres_fdw;
	ALTER DATABASE postgres SET search_path = public, analytics;");

# ---------------------------------------------------------------------
# deals: scalar functions in WHERE clauses are evaluated on the shards.
# ---------------------------------------------------------------------
my $deals_sql = q{
	SELECT i AS customer_id, (i % 11) / 10.0::float8 AS agreement, i % 4 AS objections
	FROM generate_series(1, 60) i};

$coord->safe_psql('postgres', qq{
	CREATE TABLE deals (customer_id int, agreement float8, objections int)
		PARTITION BY HASH (customer_id);
	CREATE TABLE deals_local AS $deals_sql;
	CREATE TABLE orders (customer_id int, rep_id int, ts date, amount numeric(12,2))
		PARTITION BY HASH (customer_id);
});
for my $i (1 .. 2)
{
	my $s = $shards[ $i - 1 ];
	my ($host, $port) = ($s->host, $s->port);
	my $rem = $i - 1;
	$s->safe_psql('postgres', qq{
		CREATE TABLE deals_p$i (customer_id int, agreement float8, objections int);
		CREATE TABLE orders_p$i (customer_id int, rep_id int, ts date, amount numeric(12,2));
	});
	$coord->safe_psql('postgres', qq{
		CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
			OPTIONS (host '$host', port '$port', dbname 'postgres',
			         extensions 'quota_ext', async_capable 'true');
		CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i;
		CREATE FOREIGN TABLE deals_p$i PARTITION OF deals
			FOR VALUES WITH (MODULUS 2, REMAINDER $rem)
			SERVER shard$i OPTIONS (table_name 'deals_p$i');
		CREATE FOREIGN TABLE orders_p$i PARTITION OF orders
			FOR VALUES WITH (MODULUS 2, REMAINDER $rem)
			SERVER shard$i OPTIONS (table_name 'orders_p$i');
	});
}
# Route the rows through the coordinator so each lands on its shard.
$coord->safe_psql('postgres', "INSERT INTO deals SELECT * FROM deals_local");
for my $i (1 .. 2)
{
	my $n = $shards[ $i - 1 ]->safe_psql('postgres', "SELECT count(*) FROM deals_p$i");
	ok($n > 0 && $n < 60, "shard$i holds part of the deals ($n)");
}

my $q = q{SELECT customer_id, lift_index(agreement, objections), close_probability(agreement, objections)
	FROM deals WHERE needs_reanimation(agreement, objections) ORDER BY customer_id};
my $plan = $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $q");
like($plan, qr/Remote SQL:.*needs_reanimation/, 'needs_reanimation is pushed down to the shards');
my $remote = $coord->safe_psql('postgres', $q);
(my $local_q = $q) =~ s/FROM deals /FROM deals_local /;
is($remote, $coord->safe_psql('postgres', $local_q), 'sharded deals answer equals the single-node answer');

# ---------------------------------------------------------------------
# orders: 600 customers, about 4200 rows with irregular gaps, customers
# who stop buying, NULL amounts, rows after as_of (all of rep 5's) and
# same-day duplicates; five customers have no row that counts.
# ---------------------------------------------------------------------
my $as_of = '2024-06-30';
$coord->safe_psql('postgres', qq{
	CREATE TABLE orders_local AS
	WITH g AS (
		SELECT c, k, CASE WHEN k = 1 OR k % 5 = 4 THEN 0
		                  ELSE 1 + (c * 31 + k * k * 17) % (20 + c % 7 * 25) END AS gap
		FROM generate_series(1, 600) c, generate_series(1, 16) k),
	r AS (SELECT c, k, sum(gap) OVER (PARTITION BY c ORDER BY k)::int AS day FROM g)
	SELECT c AS customer_id,
	       CASE WHEN day > c * 37 % 600 AND c % 3 = 0 THEN 5 ELSE 1 + (c + k / 4) % 4 END AS rep_id,
	       DATE '$as_of' - c * 37 % 600 + day AS ts,
	       CASE WHEN (c + k) % 23 = 0 THEN NULL
	            ELSE ((c * 7919 + k * 104729) % 60000 / 100.0 + 15)::numeric(12,2) END AS amount
	FROM r WHERE day <= c * 53 % 400
	ORDER BY c, k;
	INSERT INTO orders SELECT * FROM orders_local;
	ANALYZE orders_local;
});
my $shape = $coord->safe_psql('postgres', qq{
	SELECT count(*) > 4000, count(*) FILTER (WHERE amount IS NULL) > 100,
	       count(*) FILTER (WHERE ts > '$as_of') > 500,
	       count(*) - count(DISTINCT (customer_id, ts)) > 500,
	       count(DISTINCT rep_id) = 5
	FROM orders_local});
is($shape, 't|t|t|t|t', 'the rows have NULL amounts, rows after as_of, same-day duplicates, five reps');
for my $i (1 .. 2)
{
	my $n = $shards[ $i - 1 ]->safe_psql('postgres', "SELECT count(DISTINCT customer_id) FROM orders_p$i");
	ok($n > 200 && $n < 400, "shard$i holds part of the customers ($n)");
}

# Each aggregate with the arguments used throughout: parameters off their
# defaults, so the states must carry them.  demand_cv takes whole units, so
# its float sums are exact whatever order the rows are added in.
my %call = (
	rfm_kinetic  => "(ts, amount, '$as_of', '60 days', 0.25)",
	rfm_summary  => "(ts, amount, '$as_of')",
	btyd_summary => "(ts, amount, '$as_of', '7 days')",
	demand_cv    => "(ts, round(amount)::float8, '2023-07-01', 12)",
);
my @aggs = sort keys %call;
my $pw = 'SET enable_partitionwise_aggregate = on;';

# 1. Grouped by the partition key: the whole aggregate runs on the shards.
for my $x (@aggs)
{
	my $q = "SELECT customer_id, $x$call{$x} FROM %s GROUP BY customer_id ORDER BY customer_id";
	my $plan = $coord->safe_psql('postgres', "$pw EXPLAIN (VERBOSE, COSTS OFF) " . sprintf($q, 'orders'));
	my $n = () = $plan =~ /Remote SQL: SELECT customer_id, analytics\.$x\(.* GROUP BY 1/g;
	is($n, 2, "$x grouped by customer_id is pushed down to both shards");
	unlike($plan, qr/(Partial|Finalize|Hash|Group)Aggregate|-> +Aggregate/,
		"$x grouped by customer_id: no aggregation left on the coordinator");
	my $sharded = $coord->safe_psql('postgres', "$pw " . sprintf($q, 'orders'));
	my $single  = $coord->safe_psql('postgres', sprintf($q, 'orders_local'));
	is(scalar(split /\n/, $sharded), 600, "$x: one row per customer");
	is($sharded, $single, "$x grouped by customer_id: sharded answer equals the single-node answer");
}

# 2. Grouped by rep_id (not the partition key): postgres_fdw in PG15 ships no
# partial aggregate, so the query asks for X_partial grouped by
# (rep_id, customer_id), which is pushed down whole, and merges the states
# per rep with X_merge on the coordinator.
sub merge_query
{
	my ($x, $from) = @_;
	return "SELECT rep_id, ${x}_merge(st) FROM (
		SELECT rep_id, ${x}_partial$call{$x} AS st FROM $from GROUP BY rep_id, customer_id) s
		GROUP BY rep_id ORDER BY rep_id";
}
# The same with one branch per shard: fewer states shipped (one per rep and
# shard), but the query names the partitions.
sub merge_query_per_shard
{
	my ($x) = @_;
	return "SELECT rep_id, ${x}_merge(st) FROM (
		SELECT rep_id, ${x}_partial$call{$x} AS st FROM orders_p1 GROUP BY rep_id
		UNION ALL
		SELECT rep_id, ${x}_partial$call{$x} FROM orders_p2 GROUP BY rep_id) s
		GROUP BY rep_id ORDER BY rep_id";
}
my %single_by_rep;
for my $x (@aggs)
{
	$single_by_rep{$x} = $coord->safe_psql('postgres',
		"SELECT rep_id, $x$call{$x} FROM orders_local GROUP BY rep_id ORDER BY rep_id");
	like($single_by_rep{$x}, qr/^5\|$/m, "$x: rep 5 (only rows after as_of) gives NULL");

	my $q = merge_query($x, 'orders');
	my $plan = $coord->safe_psql('postgres', "$pw EXPLAIN (VERBOSE, COSTS OFF) $q");
	my $n = () = $plan =~ /Remote SQL: SELECT rep_id, analytics\.${x}_partial\(.* GROUP BY 1, 3/g;
	is($n, 2, "${x}_partial grouped by rep_id, customer_id is pushed down to both shards");
	like($plan, qr/Async Foreign Scan/, "${x}_partial: the shards are scanned asynchronously");
	is($coord->safe_psql('postgres', "$pw $q"), $single_by_rep{$x},
		"${x}_merge of shard states by rep_id equals $x on one node");

	$q = merge_query_per_shard($x);
	$plan = $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $q");
	$n = () = $plan =~ /Remote SQL: SELECT rep_id, analytics\.${x}_partial\(.* GROUP BY 1$/mg;
	is($n, 2, "${x}_partial per shard grouped by rep_id is pushed down");
	is($coord->safe_psql('postgres', $q), $single_by_rep{$x},
		"${x}_merge of one state per rep and shard equals $x on one node");
}

# The state values cross postgres_fdw as text: the remote session prints
# them with DateStyle ISO, IntervalStyle postgres, extra_float_digits 3; the
# coordinator reads them under its own settings.  Their text form depends
# on none of these.
my $gucs = "SET DateStyle = 'ISO, DMY'; SET IntervalStyle = 'sql_standard'; SET extra_float_digits = 0;";
for my $x (@aggs)
{
	is($coord->safe_psql('postgres', "$pw $gucs " . merge_query($x, 'orders')),
		$coord->safe_psql('postgres', "$gucs SELECT rep_id, $x$call{$x} FROM orders_local GROUP BY rep_id ORDER BY rep_id"),
		"${x}_merge is exact under the coordinator's DateStyle ISO, DMY, IntervalStyle sql_standard, extra_float_digits 0");
}

# A postgres_fdw hazard, not quota_ext's: constants inside a pushed-down
# target list (aggregate arguments) are printed with the coordinator's
# DateStyle, while WHERE clauses are printed in ISO.  Under DateStyle
# 'SQL, DMY' the literal as_of 2024-06-01 reaches the shards as 01/06/2024,
# which the remote session (DateStyle ISO, MDY) reads as 2024-01-06.
# Passing the date as a parameter (here an InitPlan) avoids it: parameters
# are sent in ISO.
{
	my $dmy = "SET DateStyle = 'SQL, DMY';";
	my $single = $coord->safe_psql('postgres',
		"$dmy SELECT customer_id, rfm_kinetic(ts, amount, '2024-06-01') FROM orders_local GROUP BY 1 ORDER BY 1");
	my $literal = $coord->safe_psql('postgres',
		"$pw $dmy SELECT customer_id, rfm_kinetic(ts, amount, '2024-06-01') FROM orders GROUP BY 1 ORDER BY 1");
	my $param = $coord->safe_psql('postgres',
		"$pw $dmy SELECT customer_id, rfm_kinetic(ts, amount, (SELECT DATE '2024-06-01')) FROM orders GROUP BY 1 ORDER BY 1");
	is($param, $single, 'DateStyle SQL, DMY: as_of passed as a parameter gives the single-node answer');
	note('DateStyle SQL, DMY with a literal as_of: sharded answer '
		  . ($literal eq $single ? 'equals' : 'DIFFERS FROM (postgres_fdw deparses the literal as 01/06/2024)')
		  . ' the single-node answer');
}

# bgnbd_fit over btyd summaries: each shard exposes its customers'
# summaries as a view; bgnbd_fit_partial over each view is pushed down and
# the coordinator merges the two states.
for my $i (1 .. 2)
{
	$shards[ $i - 1 ]->safe_psql('postgres', qq{
		CREATE VIEW customer_btyd_p$i AS
		SELECT customer_id, (b).frequency, (b).recency, (b).t
		FROM (SELECT customer_id, analytics.btyd_summary(ts, amount, '$as_of', '7 days') AS b
		      FROM orders_p$i GROUP BY customer_id) s;
	});
	$coord->safe_psql('postgres', qq{
		CREATE FOREIGN TABLE customer_btyd_p$i (customer_id int, frequency int, recency float8, t float8)
			SERVER shard$i OPTIONS (table_name 'customer_btyd_p$i');
	});
}
my $bq = q{SELECT bgnbd_fit_merge(st) FROM (
	SELECT bgnbd_fit_partial(frequency, recency, t) AS st FROM customer_btyd_p1
	UNION ALL
	SELECT bgnbd_fit_partial(frequency, recency, t) FROM customer_btyd_p2) s};
$plan = $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $bq");
my $nb = () = $plan =~ /Remote SQL: SELECT analytics\.bgnbd_fit_partial\(frequency, recency, t\) FROM public\.customer_btyd_p/g;
is($nb, 2, 'bgnbd_fit_partial is pushed down to both shards');
my $bsingle = $coord->safe_psql('postgres', qq{
	SELECT bgnbd_fit((b).frequency, (b).recency, (b).t)
	FROM (SELECT btyd_summary(ts, amount, '$as_of', '7 days') AS b FROM orders_local GROUP BY customer_id) s});
like($bsingle, qr/,595,[tf]\)$/, 'bgnbd_fit on one node sees the 595 customers with a summary');
is($coord->safe_psql('postgres', $bq), $bsingle, 'bgnbd_fit_merge of the shard states equals bgnbd_fit on one node');

# ---------------------------------------------------------------------
# 3. One node, forced parallel plans: Finalize over Gather over Partial.
# ---------------------------------------------------------------------
$coord->safe_psql('postgres', q{
	CREATE TABLE orders_big AS
	SELECT customer_id + 1000 * i AS customer_id, rep_id, ts, amount
	FROM orders_local, generate_series(0, 39) i;
	ANALYZE orders_big;
});
my $par = 'SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
	SET max_parallel_workers_per_gather = 2;';
my $pq = 'SELECT rep_id, ' . join(', ', map { "$_$call{$_}" } @aggs)
  . ' FROM orders_big GROUP BY rep_id ORDER BY rep_id';
$plan = $coord->safe_psql('postgres', "$par EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $pq");
like($plan, qr/Finalize \w*Aggregate(?:.*\n)*?.*Gather(?:.*\n)*?.*Partial \w*Aggregate/,
	'grouped by rep_id, the aggregates get Finalize over Gather over Partial');
like($plan, qr/Workers Launched: [12]/, 'parallel workers ran');
my $parallel = $coord->safe_psql('postgres', "$par $pq");
my $serial = $coord->safe_psql('postgres', "SET max_parallel_workers_per_gather = 0; $pq");
is(scalar(split /\n/, $parallel), 5, 'five reps');
is($parallel, $serial, 'parallel answer equals the serial answer');

for my $node (@shards, $coord) { $node->stop; }
done_testing();
