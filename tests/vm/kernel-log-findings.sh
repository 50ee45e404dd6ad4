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

# Known reports of code that is not ours, dropped before the scan (stdin to
# stdout), each as narrowly as it can be told apart:
# - vivid's capture thread (model/examples' camera) checks that its next
#   frame is in the future, then reads jiffies again to compute the wait
#   (drivers/media/test-drivers/vivid/vivid-kthread-cap.c): when a tick falls
#   between the two (a slow debug kernel, a loaded host), schedule_timeout()
#   gets a negative value, prints "wrong timeout value" with a stack dump and
#   returns at once.  Harmless; the block is dropped only when its stack is
#   in vivid_thread_ (blank lines stand for it, so line numbers still
#   point into the log).
klog_drop_known() {
	awk '
	function flush(drop) {
		printf "%s", drop ? blank : held
		inblk = 0; held = blank = ""
	}
	/schedule_timeout: wrong timeout value/ { if (inblk) flush(0); inblk = 1; vivid = 0 }
	inblk {
		held = held $0 "\n"; blank = blank "\n"
		if ($0 ~ /vivid_thread_/) vivid = 1
		if ($0 ~ /<\/TASK>/) flush(vivid)
		next
	}
	{ print }
	END { if (inblk) flush(0) }'
}
