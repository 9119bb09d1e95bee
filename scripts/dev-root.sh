# scripts/dev-root.sh: source it to work on a branch beside others on one
# machine: a private copy of the PostgreSQL 15 tree (QX_PGROOT, where
# scripts/lib.sh installs the extension with DESTDIR) and ports of its own,
# so parallel work trees never share an installed quota_ext.so.
#   QX_DEV_NAME=mybranch QX_DEV_PORT=55001 source scripts/dev-root.sh
#   bash scripts/test.sh
export QX_PGROOT=/tmp/qxroot_${QX_DEV_NAME:?set QX_DEV_NAME}
if [ ! -d "$QX_PGROOT/usr/lib/postgresql/15" ]; then
	mkdir -p "$QX_PGROOT/usr/lib/postgresql" "$QX_PGROOT/usr/share/postgresql"
	cp -a /usr/lib/postgresql/15 "$QX_PGROOT/usr/lib/postgresql/"
	cp -a /usr/share/postgresql/15 "$QX_PGROOT/usr/share/postgresql/"
	chmod 755 "$QX_PGROOT"
fi
export QX_PORT=${QX_DEV_PORT:?set QX_DEV_PORT}
export QX_MEMCHECK_PORT=$((QX_DEV_PORT + 10))
