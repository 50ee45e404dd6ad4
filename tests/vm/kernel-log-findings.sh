# Sourced by tests/vm/run (the host's scan of each boot's kernel log) and
# tests/run-vm-tests.sh (the guest's scan after each test): the kernel log
# lines that fail a run, as one extended regular expression.
#
# Reports of the kernel's checkers, each matched by the words it prints
# and nothing wider: "use-after-free" alone also matches the harmless boot
# line of DEBUG_OBJECTS_RCU_HEAD ("RCU callback double-/use-after-free
# debug is enabled"), while KASAN and KFENCE print "use-after-free in" or
# "use-after-free read"; slub_debug prints "BUG kmalloc-64 (Not tainted):";
# the PCI boot line "...report a bug" is lower case.
KLOG_FINDINGS='WARNING:|BUG:|BUG [^ ]+ \((Not t|T)ainted\)|kernel BUG|Oops|KASAN|UBSAN|refcount_t:|possible circular locking|inconsistent lock state|possible recursive locking|DEBUG_LOCKS_WARN|blocked for more than|Call Trace:|general protection fault|Kernel panic|self-detected stall|detected stalls|Unable to handle|list_add corruption|list_del corruption|slab-out-of-bounds|use-after-free (in|read|write) |double-free|kmemleak: [0-9]+ new suspected'
