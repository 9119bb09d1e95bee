# Scale-out: a coordinator and two shard servers joined by postgres_fdw.
# quota_ext is installed on all three and named in the foreign servers'
# `extensions` option, so its functions are shipped to the shards.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @shards;
for my $i (1 .. 2)
{
	my $node = PostgreSQL::Test::Cluster->new("shard$i");
	$node->init;
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION quota_ext');
	push @shards, $node;
}
my $coord = PostgreSQL::Test::Cluster->new('coordinator');
$coord->init;
$coord->append_conf('postgresql.conf', "max_parallel_workers_per_gather = 2\n");
$coord->start;
$coord->safe_psql('postgres', 'CREATE EXTENSION quota_ext; CREATE EXTENSION postgres_fdw');

# The same deterministic rows everywhere: deals of 60 customers.
my $deals_sql = q{
	SELECT i AS customer_id, (i % 11) / 10.0::float8 AS agreement, i % 4 AS objections
	FROM generate_series(1, 60) i};

# Coordinator: a hash-partitioned table whose partitions are foreign tables.
$coord->safe_psql('postgres', qq{
	CREATE TABLE deals (customer_id int, agreement float8, objections int)
		PARTITION BY HASH (customer_id);
	CREATE TABLE deals_local AS $deals_sql;
});
for my $i (1 .. 2)
{
	my $s = $shards[ $i - 1 ];
	my ($host, $port) = ($s->host, $s->port);
	$s->safe_psql('postgres', qq{
		CREATE TABLE deals_p$i (customer_id int, agreement float8, objections int);
	});
	$coord->safe_psql('postgres', qq{
		CREATE SERVER shard$i FOREIGN DATA WRAPPER postgres_fdw
			OPTIONS (host '$host', port '$port', dbname 'postgres',
			         extensions 'quota_ext', async_capable 'true');
		CREATE USER MAPPING FOR CURRENT_USER SERVER shard$i;
		CREATE FOREIGN TABLE deals_p$i PARTITION OF deals
			FOR VALUES WITH (MODULUS 2, REMAINDER @{[ $i - 1 ]})
			SERVER shard$i OPTIONS (table_name 'deals_p$i');
	});
}
# Route the rows through the coordinator so each lands on its shard.
$coord->safe_psql('postgres', "INSERT INTO deals SELECT * FROM deals_local");
for my $i (1 .. 2)
{
	my $n = $shards[ $i - 1 ]->safe_psql('postgres', "SELECT count(*) FROM deals_p$i");
	ok($n > 0 && $n < 60, "shard$i holds part of the rows ($n)");
}

# Scalar functions and their WHERE clauses are evaluated on the shards.
my $q = q{SELECT customer_id, lift_index(agreement, objections), close_probability(agreement, objections)
	FROM deals WHERE needs_reanimation(agreement, objections) ORDER BY customer_id};
my $plan = $coord->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $q");
like($plan, qr/Remote SQL:.*needs_reanimation/, 'needs_reanimation is pushed down to the shards');
my $remote = $coord->safe_psql('postgres', $q);
(my $local_q = $q) =~ s/FROM deals /FROM deals_local /;
is($remote, $coord->safe_psql('postgres', $local_q), 'sharded answer equals the single-node answer');

for my $node (@shards, $coord) { $node->stop; }
done_testing();
