import type { AttentionOrder, OrdersStatus, PartStatus } from '../src/types';

/** A status row as GET status/ answers it for a part pushed once and still in sync. */
export function partRow(overrides: Partial<PartStatus> = {}): PartStatus {
    return {
        part: 7, sku: 'W-1', linked: true, reason: null, quantity: '5', status: 'synced', remote_id: '42',
        pushed_quantity: '5', pending_quantity: null, attempts: 1, last_error: null,
        last_attempt: '2026-12-01T10:00:00+00:00', last_success: '2026-12-01T10:00:00+00:00',
        in_sync: true, dry_run: false, ...overrides,
    };
}

/** The status's "orders" object: import on, nothing seen yet, a WooCommerce-like webhook. */
export function ordersStatus(overrides: Partial<OrdersStatus> = {}): OrdersStatus {
    return {
        import_enabled: true, dry_run: false, last_seen: null, imported: 0, needs_attention: [],
        last_poll: null, last_audit: null, last_counts: {}, last_error: null, would_import: [],
        webhook: 'woocommerce', webhook_url: 'https://inv/plugin/w/webhook/', webhook_registration: null,
        csv_url: '/plugin/w/orders.csv', register_webhook_url: '/plugin/w/register-webhook/', ...overrides,
    };
}

/** An order held for an unknown SKU. */
export function held(id: string, number = `W${id}`): AttentionOrder {
    return {
        order_id: id, number, modified: '2026-12-01T10:00:00+00:00', sales_order: 3, sales_order_reference: 'SO-0007',
        problems: ["line 2 (SKU 'NO-SUCH'): no part has this SKU"], flag: null, since: 1,
    };
}
