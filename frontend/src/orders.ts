/**
 * What the panel's "Orders" block shows, decided from the status API's "orders" object and
 * the register-webhook answer: pure functions, checked by vitest.
 */
import { errorMessage, formatTime, type Line, type Outcome } from './logic';
import type { AttentionOrder, OrdersStatus, RegisterPayload, WouldImport } from './types';

/** How many held orders and dry-run records the block lists (the CSV has every one). */
export const SHOWN = 5;

export function importState(orders: OrdersStatus): { label: string; color: string } {
    if (!orders.import_enabled) {
        return { label: 'Import off', color: 'gray' };
    }
    return orders.dry_run ? { label: 'Dry run', color: 'blue' } : { label: 'Importing', color: 'green' };
}

function webhookLine(orders: OrdersStatus, locale?: string): string {
    if (!orders.webhook) {
        return 'none: orders are polled';
    }
    const registered = orders.webhook_registration;
    if (registered) {
        return `registered ${formatTime(registered.at, locale)}`;
    }
    return 'not registered by this plugin (polling still runs)';
}

/** The block's table: last order seen, imported, needing attention, polls, webhook. */
export function orderLines(orders: OrdersStatus, locale?: string): Line[] {
    const seen = orders.last_seen;
    const attention = orders.needs_attention_count ?? orders.needs_attention.length;
    return [
        { label: 'Last order seen', value: seen ? `${seen.number} (changed ${formatTime(seen.modified, locale)})` : '-' },
        { label: 'Orders imported', value: String(orders.imported) },
        { label: 'Needing attention', value: String(attention) },
        { label: 'Last poll', value: formatTime(orders.last_poll, locale) },
        { label: 'Last audit', value: formatTime(orders.last_audit, locale) },
        { label: 'Webhook', value: webhookLine(orders, locale) },
    ];
}

export interface AttentionItem {
    key: string;
    title: string;
    lines: string[];
    /** One of its lines names this part's SKU. */
    thisPart: boolean;
}

function mentions(text: string, sku: string | null | undefined): boolean {
    // The problem lines quote the SKU as Python's repr does.
    return Boolean(sku) && (text.includes(`'${sku}'`) || text.includes(`"${sku}"`));
}

/**
 * The orders needing attention, those naming this part's SKU first, then the oldest; at
 * most SHOWN of them, and how many more the CSV has.
 */
export function attentionItems(orders: OrdersStatus, sku?: string | null): { items: AttentionItem[]; more: number } {
    const items = orders.needs_attention.map((entry: AttentionOrder): AttentionItem => {
        const lines = [...entry.problems, ...(entry.flag ? [entry.flag] : [])];
        const salesOrder = entry.sales_order_reference ? ` - sales order ${entry.sales_order_reference}` : '';
        return {
            key: entry.order_id,
            title: `Order ${entry.number}${salesOrder}${entry.problems.length ? ' (held)' : ' (flagged)'}`,
            lines,
            thisPart: lines.some((line) => mentions(line, sku)),
        };
    });
    const sorted = [...items.filter((i) => i.thisPart), ...items.filter((i) => !i.thisPart)];
    const total = orders.needs_attention_count ?? items.length;
    return { items: sorted.slice(0, SHOWN), more: Math.max(0, total - Math.min(SHOWN, sorted.length)) };
}

const ACTIONS: Record<string, string> = {
    create: 'would create a sales order',
    update: 'would change the lines',
    cancel: 'would cancel the sales order',
    flag: 'would be flagged',
    skip: 'would be skipped',
    unchanged: 'nothing to change',
};

/** One line per dry-run record, newest first: "W601: would create a sales order: 3 x OI-W". */
export function wouldImportLines(orders: OrdersStatus): string[] {
    return [...orders.would_import].reverse().slice(0, SHOWN).map((record: WouldImport) => {
        const lines = record.lines.map((line) => `${line.quantity} x ${line.sku}`).join(', ');
        const held = record.held ? `, held: ${record.problems.join('; ')}` : '';
        const flag = record.flag ? ` (${record.flag})` : '';
        return `${record.number}: ${ACTIONS[record.action] ?? record.action}${flag}${lines ? `: ${lines}` : ''}${held}`;
    });
}

/** The notice after "Register webhook": what was done, or what to enter by hand. */
export function registerOutcome(answer: RegisterPayload): Outcome {
    const warnings = answer.warnings ?? [];
    if (answer.registered) {
        const done = (answer.webhooks ?? []).map((w) => `${w.topic ?? 'webhook'}: ${w.action ?? 'registered'}`
            + (w.id !== undefined && w.id !== null ? ` (id ${w.id})` : ''));
        return {
            color: 'green',
            title: 'Webhook registered',
            lines: [`Delivery URL: ${answer.delivery_url ?? '-'}`, ...done,
                    ...(answer.secret_generated ? ['A webhook secret was generated and stored in the plugin settings.'] : []),
                    ...warnings],
        };
    }
    return {
        color: answer.instructions ? 'yellow' : 'red',
        title: answer.instructions ? 'Set up the webhook by hand' : 'The webhook was not registered',
        lines: [...(answer.error ? [answer.error] : []), ...(answer.instructions ? [answer.instructions] : []), ...warnings],
    };
}

/** A refused request still carries the instructions when the plugin sent them. */
export function registerFailure(error: unknown): Outcome {
    const data = (error as { response?: { data?: unknown } } | null)?.response?.data;
    if (data && typeof data === 'object' && 'registered' in data) {
        return registerOutcome(data as RegisterPayload);
    }
    return { color: 'red', title: 'Register webhook failed', lines: [errorMessage(error)] };
}
