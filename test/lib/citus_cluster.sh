# test/lib/citus_cluster.sh: a throwaway Citus cluster -- a coordinator and
# two workers on 127.0.0.1, as user postgres, shared_preload_libraries =
# citus.  Sourced after scripts/lib.sh and scripts/citus.sh.
#
#   qx_citus_start BASEPORT   coordinator on BASEPORT, workers on +1 and +2
#   qx_citus_psql N [args]    psql to node N (0 coordinator, 1 and 2 workers)
#   qx_citus_stop             stop the three and remove their directories

QX_CITUS_DIR=
QX_CITUS_BASEPORT=

qx_citus_start() {
	local base=$1 i port pids=()
	QX_CITUS_BASEPORT=$base
	QX_CITUS_DIR=$(mktemp -d /tmp/quota_ext_citus.XXXXXX)
	chmod 755 "$QX_CITUS_DIR"
	qx_sudo chown postgres: "$QX_CITUS_DIR"
	# initdb once; the workers' data directories are copies of it (initdb
	# costs seconds of CPU, a copy a fraction; each node's settings are
	# appended after the copy, and Citus is created on each node below, so
	# no node shares Citus's generated identifiers with another)
	qx_as_postgres "$QX_BIN/initdb" -D "$QX_CITUS_DIR/n0" -U postgres --no-sync -E UTF8 \
		--locale=C --auth=trust >"$QX_CITUS_DIR/initdb0.log" 2>&1 ||
		{ cat "$QX_CITUS_DIR/initdb0.log"; return 1; }
	for i in 1 2; do
		qx_as_postgres cp -a "$QX_CITUS_DIR/n0" "$QX_CITUS_DIR/n$i" || return 1
	done
	for i in 0 1 2; do
		port=$((base + i))
		cat >>"$QX_CITUS_DIR/n$i/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$QX_CITUS_DIR'
port = $port
shared_preload_libraries = 'citus'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 60
max_parallel_workers_per_gather = 0
jit = off
timezone = 'UTC'
log_min_messages = warning
citus.shard_count = 4
CONF
	done
	# the three nodes start, and get Citus, side by side
	for i in 0 1 2; do
		qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_CITUS_DIR/n$i" -l "$QX_CITUS_DIR/n$i.log" \
			-w -t 300 start >"$QX_CITUS_DIR/start$i.log" 2>&1 &
		pids[i]=$!
	done
	local bad=0
	for i in 0 1 2; do wait "${pids[i]}" || bad=1; done
	for i in 0 1 2; do
		qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_CITUS_DIR/n$i" status >/dev/null 2>&1 ||
			{ cat "$QX_CITUS_DIR/start$i.log" "$QX_CITUS_DIR/n$i.log"; bad=1; }
	done
	[ "$bad" -eq 0 ] || return 1
	for i in 0 1 2; do
		qx_citus_psql "$i" -c "CREATE EXTENSION citus" >"$QX_CITUS_DIR/ext$i.log" 2>&1 &
		pids[i]=$!
	done
	for i in 0 1 2; do
		wait "${pids[i]}" || { cat "$QX_CITUS_DIR/ext$i.log"; bad=1; }
	done
	[ "$bad" -eq 0 ] || return 1
	qx_citus_psql 0 -c "SELECT citus_set_coordinator_host('127.0.0.1', $base)" \
		-c "SELECT citus_add_node('127.0.0.1', $((base + 1)))" \
		-c "SELECT citus_add_node('127.0.0.1', $((base + 2)))" >/dev/null
}

qx_citus_psql() {
	local i=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $((QX_CITUS_BASEPORT + i)) -U postgres -d postgres "$@"
}

qx_citus_stop() {
	[ -n "$QX_CITUS_DIR" ] || return 0
	local i
	for i in 2 1 0; do
		qx_as_postgres "$QX_BIN/pg_ctl" -D "$QX_CITUS_DIR/n$i" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$QX_CITUS_DIR"
	QX_CITUS_DIR=
}
