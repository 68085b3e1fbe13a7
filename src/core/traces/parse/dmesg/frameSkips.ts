// Which frames never name a kernel report: the infrastructure a bug passes through on its way to
// the console (lock primitives, allocators, workqueue and scheduler plumbing, printk, stack
// dumpers). The semantics are syzkaller's (pkg/report/linux.go, `linuxStackParams.skipPatterns`
// and the per-report `skip` lists), so that titles come out as syzbot, lore and the fixing
// commits know them. A pattern matches anywhere in the function name unless anchored.

export interface FrameSkip {
  pattern: RegExp;
  reason: string;
}

/** Skipped in every report kind whose title is read from a stack. */
export const FRAME_SKIPS: readonly FrameSkip[] = [
  { pattern: /__sanitizer|__asan|kasan|hwasan|__msan|kmsan|kcsan_setup_watchpoint/, reason: 'sanitizer runtime: it reports the bug, it is not the bug' },
  { pattern: /check_memory_region|check_heap_object|check_object|read_word_at_a_time|(?:read|write)_once_.*nocheck/, reason: 'memory-access checkers and their unchecked accessors' },
  { pattern: /print_address_description|print_report|print_usage_bug|print_unlock|imbalance_bug|print_tainted|^get_taint$/, reason: 'report printers of KASAN, lockdep and taint' },
  { pattern: /panic/, reason: 'panic path, reached after the bug' },
  { pattern: /invalid_op|report_bug|fixup_bug|do_error|_trap$|do_trap|program_check_exception|program_check_common/, reason: 'trap handlers that turn BUG()/WARN() into a report' },
  { pattern: /show_stack|dump_stack|walk_stack|dump_backtrace|stack_trace_consume_entry|arch_stack_walk|stack_trace_save/, reason: 'stack dumpers and unwinders' },
  { pattern: /warn_slowpath|warn_alloc|warn_bogus|__warn|__fortify_report|assertfail/, reason: 'warning machinery' },
  { pattern: /alloc_page|k?v?(?:m|z|c)alloc|krealloc|kmem_cache|allocate_slab|__alloc_frozen_pages_noprof|slab_/, reason: 'memory allocators: they take fs_reclaim and slab locks for every caller' },
  { pattern: /folio_(?:alloc|unlock)|filemap_alloc_folio|__filemap_get_folio|find_or_create_page|do_read_cache_folio|read_cache_page|pagecache_get_page|grab_cache_page_write_begin|^(?:un)?lock_page/, reason: 'page-cache lookup and page lock helpers' },
  { pattern: /xas_(?:start|load|find)|find_lock_entries|truncate_inode_pages_range/, reason: 'page-cache iteration helpers' },
  { pattern: /debug_object|timer_is_static_object|work_is_static_object/, reason: 'debugobjects checks' },
  { pattern: /lockdep|__might_fault|lock_acquire|lock_release|lock_class|mark_lock|(?:reacquire|mark)_held_locks|(?:trace|lockdep)_(?:hard|soft)irq/, reason: 'lockdep itself and the irq-state tracing it hooks' },
  { pattern: /bh_enable|bh_disable/, reason: 'softirq enable/disable' },
  { pattern: /perf_trace/, reason: 'tracepoint glue' },
  { pattern: /raw_spin_rq|spin_lock|spin_trylock|spin_unlock|read_lock|read_trylock|write_lock|write_trylock|read_unlock|write_unlock/, reason: 'spinlock and rwlock primitives' },
  { pattern: /^down$|down_read|down_write|down_trylock|up_read|up_write/, reason: 'semaphore and rwsem primitives' },
  { pattern: /^mutex_|^__mutex_|^rt_mutex_|owner_on_cpu|osq_lock|osq_unlock/, reason: 'mutex primitives and their spinning' },
  { pattern: /atomic(?:64)?_(?:dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)|(?:set|clear|change|test)_bit/, reason: 'atomics and bit operations (`_atomic_dec_and_lock` takes the lock for its caller)' },
  { pattern: /__wake_up|^complete$|wait_for_completion|finish_wait/, reason: 'wakeups and waits' },
  { pattern: /^refcount_|^kref_|ref_tracker|^iput$|^iput_final$|^ihold$|^put_device$|fast_dput|dput|drop_nlink|^klist_|kobject_/, reason: 'reference counting: the final put runs whatever release the object has' },
  { pattern: /seqprop_assert/, reason: 'seqlock assertions' },
  { pattern: /memcpy|memcmp|memset|memchr|memmove|memdup|strcmp|strncmp|strcpy|strlcpy|strncpy|strscpy|strlen|strstr|strnstr|strnlen|strchr|strdup|strndup|string|pointer/, reason: 'string and memory helpers (and vsprintf\'s string()/pointer())' },
  { pattern: /hex_dump_to_buffer|print_hex_dump|^crc\d+|crc_itu_t/, reason: 'hex dumps and checksums' },
  { pattern: /copy_to_user|copy_from_user|copy_to_iter|copy_from_iter|copy_page_to_iter|copy_page_from_iter|copy_folio_to_iter|^copyin$|^copyout$|put_user|get_user|extract_(?:user|iter)_to_sg/, reason: 'user copies: they fault and take mmap_lock for every caller' },
  { pattern: /might_fault|might_sleep|__might_resched/, reason: 'sleep-in-atomic checks' },
  { pattern: /list_add|list_del|list_replace|list_move|list_splice|^rb_|^__rb_|rhashtable_lookup/, reason: 'list, rbtree and hashtable helpers (and their debug checks)' },
  { pattern: /_indirect_thunk_/, reason: 'retpoline thunks' },
  { pattern: /snprintf|scnprintf|kasprintf|kvasprintf|printk|va_format|dev_info|dev_notice|dev_warn|dev_err|dev_alert|dev_crit|dev_emerg/, reason: 'printk and its wrappers' },
  { pattern: /del_timer|lock_timer_base|__timer_delete_sync|sk_stop_timer_sync|__mod_timer/, reason: 'timer API: it waits for the timer callback' },
  { pattern: /flush_work|__cancel_work_timer|cancel_work_sync|try_to_grab_pending|flush_workqueue|drain_workqueue|destroy_workqueue|queue_work|insert_work|__queue_delayed_work|queue_delayed_work_on|kthread_stop/, reason: 'workqueue and kthread API: it waits for work the caller queued' },
  { pattern: /add_uevent_var|get_device_parent|device_add|device_del|device_unregister|device_destroy|device_release|devres_release_all|hwrng_unregister|i2c_del_adapter|__unregister_client|device_for_each_child|rollback_registered|unregister_netdev|sysfs_remove|device_remove_file|tty_unregister_device/, reason: 'device-model registration and teardown' },
  { pattern: /dummy_urb_enqueue|usb_kill_urb|usb_kill_anchored_urbs|usb_control_msg|usb_hcd_submit_urb|usb_submit_urb/, reason: 'USB core plumbing' },
  { pattern: /^kv?free$|kfree_skb|ida_free/, reason: 'freeing helpers' },
  { pattern: /readb$|readw$|readl$|readq$|writeb$|writew$|writel$|writeq$|logic_in|logic_out/, reason: 'MMIO and port accessors' },
  { pattern: /do_(?:kernel|translation)_fault|do_mem_abort|el1_abort|el1h_64_sync(?:_handler)?|__phys_addr/, reason: 'arm64 fault entry and address translation' },
  { pattern: /cleanup_srcu_struct/, reason: 'SRCU teardown waits for readers' },
];

/** Extra skips of one kind of report, on top of FRAME_SKIPS. */
export const KIND_SKIPS = {
  circular: [
    { pattern: /process_one_work|flush_workqueue|drain_workqueue|destroy_workqueue/, reason: 'workqueue functions take the lockdep map of the work item: the deadlock is in the work' },
  ],
  rcu: [
    { pattern: /rcu|kmem|slab/, reason: 'RCU and slab internals check the RCU state for their callers' },
  ],
  lockingBug: [
    { pattern: /lock_sock|release_sock/, reason: 'socket lock wrappers: the caller misuses the lock' },
  ],
  spinlock: [
    { pattern: /spin_|_lock|_unlock/, reason: 'the spinlock debug checks and the lock calls that run them' },
  ],
} satisfies Record<string, readonly FrameSkip[]>;

/**
 * Hung tasks: the title names where the task waits, grouped into buckets that share a cause.
 * An anchor anywhere in the stack wins over the first frame left after HUNG_TASK_SKIPS.
 */
export const HUNG_TASK_ANCHORS: readonly { contains: string; title: string | null; reason: string }[] = [
  { contains: 'rtnl_lock', title: null, reason: 'everyone waiting for RTNL is one bug: the holder' },
  { contains: 'synchronize_rcu', title: 'synchronize_rcu', reason: 'a stuck RCU grace period hangs every synchronize_* caller' },
  { contains: 'synchronize_srcu', title: 'synchronize_rcu', reason: 'same bucket as synchronize_rcu' },
  { contains: 'synchronize_net', title: 'synchronize_rcu', reason: 'same bucket as synchronize_rcu' },
  { contains: 'synchronize_sched', title: 'synchronize_rcu', reason: 'same bucket as synchronize_rcu' },
];

/** Substrings of the frames that say how a hung task sleeps, not where. */
export const HUNG_TASK_SKIPS: readonly { contains: string; reason: string }[] = [
  { contains: 'sched', reason: 'the scheduler' },
  { contains: '_lock', reason: 'lock acquisition' },
  { contains: '_slowlock', reason: 'lock slow paths' },
  { contains: 'down', reason: 'semaphores and rwsems' },
  { contains: 'rwsem', reason: 'rwsem slow paths' },
  { contains: 'completion', reason: 'completion waits' },
  { contains: 'kthread', reason: 'kthread entry' },
  { contains: 'wait', reason: 'wait queues, bit waits, folio waits' },
  { contains: 'synchronize', reason: 'grace-period waits other than the anchored ones' },
  { contains: 'context_switch', reason: 'the switch itself' },
  { contains: '__switch_to', reason: 'the switch itself' },
  { contains: 'cancel_delayed_work', reason: 'waits for a work item' },
  { contains: 'rcu_barrier', reason: 'waits for RCU callbacks' },
];

/**
 * Syscall entry prefixes the title drops (`__x64_sys_mount` -> `mount`); when several apply the
 * shortest result wins, so that `__se_sys_` beats `__se_`.
 */
export const SYSCALL_PREFIXES: readonly string[] = [
  'SYSC_', 'SyS_', 'sys_', '__x64_', '__ia32_', '__arm64_', '____sys_', '___sys_', '__sys_',
  '__se_', '__se_sys_', '__do_sys_', 'compat_SYSC_', 'compat_SyS_', 'ksys_',
];

/** One regular expression for a list of skips (a frame is tested once per report, not per entry). */
export function skipMatcher(lists: readonly (readonly FrameSkip[])[]): RegExp {
  return new RegExp(lists.flatMap((l) => l.map((s) => `(?:${s.pattern.source})`)).join('|'));
}
