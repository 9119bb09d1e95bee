# scripts/dev-root.sh: source it to work on a branch beside others on one
# machine: a private copy of the PostgreSQL tree (QX_PGROOT, where
# scripts/lib.sh installs the extension with DESTDIR) and ports of its own,
# so parallel work trees never share an installed quota_ext.so.
#   QX_DEV_NAME=mybranch QX_DEV_PORT=55001 source scripts/dev-root.sh
#   bash scripts/test.sh
# The server is Debian's 15 unless QX_PG_CONFIG names another (one root
# holds copies of several servers side by side).
export QX_PGROOT=/tmp/qxroot_${QX_DEV_NAME:?set QX_DEV_NAME}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
qx_private_root "$QX_PGROOT"
export QX_PORT=${QX_DEV_PORT:?set QX_DEV_PORT}
export QX_MEMCHECK_PORT=$((QX_DEV_PORT + 10))
