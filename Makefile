# quota_ext: PGXS build.  `make && make install`, then `make installcheck`
# against a running server (scripts/test.sh does all of it).
EXTENSION = quota_ext
MODULE_big = quota_ext
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
DATA = $(sort $(wildcard sql/quota_ext--*.sql))

# sql/ holds the install and upgrade scripts (quota_ext--*.sql) and the
# pg_regress suites: every other sql/<name>.sql, with its expected output in
# expected/<name>.out (the contrib layout).
REGRESS = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/quota_ext--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CONFIG ?= pg_config
PG_CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
ifdef WERROR
PG_CFLAGS += -Werror
endif

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# `make dist`: the PGXN source archive quota_ext-VERSION.zip of the committed
# tree (git archive HEAD), VERSION from META.json (scripts/check_meta.py
# checks it against the spec and the control file).
DIST_VERSION = $(shell sed -n '0,/"version"/s/.*"version": *"\([^"]*\)".*/\1/p' META.json)
DISTDIR ?= .
.PHONY: dist
dist:
	python3 scripts/check_meta.py META.json >/dev/null
	git archive --format=zip --prefix=$(EXTENSION)-$(DIST_VERSION)/ \
		-o $(DISTDIR)/$(EXTENSION)-$(DIST_VERSION).zip HEAD
