import type { PartStatus } from '../src/types';

/** A status row as GET status/ answers it for a part pushed once and still in sync. */
export function partRow(overrides: Partial<PartStatus> = {}): PartStatus {
    return {
        part: 7, sku: 'W-1', linked: true, reason: null, quantity: '5', status: 'synced', remote_id: '42',
        pushed_quantity: '5', pending_quantity: null, attempts: 1, last_error: null,
        last_attempt: '2026-12-01T10:00:00+00:00', last_success: '2026-12-01T10:00:00+00:00',
        in_sync: true, dry_run: false, ...overrides,
    };
}
