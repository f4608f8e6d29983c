/**
 * What the panel's "Target check and shipments" block shows, from the status API's
 * "repairs" and "shipments" objects (inventree/repairs.py, shipments.py): pure functions,
 * checked by vitest. The types are here, not in types.ts, so that this block stays in its
 * own files.
 */
import { formatTime, type Line, type Outcome } from './logic';

/** One record of the repair history (core.repairs.RepairRecord.to_dict). */
export interface RepairRecord {
    target: string;
    sku: string;
    part: number | null;
    part_name: string;
    shop_had: string;
    wanted: string;
    set: string | null;
    outcome: string;
    at: string;
    note: string;
}

export interface RepairsStatus {
    limit: string;
    last_check: {
        at: string; orders_stale: boolean; repaired: number; flagged: number; resolved: number; waiting: number;
    } | null;
    open_flags: RepairRecord[];
    recent: RepairRecord[];
    count: number;
    csv_url: string;
    confirm_url: string;
    dismiss_url: string;
}

/** What one shipment of an imported order came to (the shipment's metadata). */
export interface ShipmentRecord {
    shipment: number;
    state?: string;
    message?: string;
    error?: string | null;
    attempts?: number;
    retry_at?: number | null;
    sales_order_reference?: string;
    shipment_reference?: string;
    tracking?: string;
}

export interface ShipmentsStatus {
    note: string | null;
    failing: number;
    recent: ShipmentRecord[];
}

/** How many records and shipments the block lists (the CSV has every record). */
export const SHOWN = 5;

const OUTCOMES: Record<string, string> = {
    repaired: 'repaired',
    flagged: 'flagged, not written',
    confirmed: 'confirmed and written',
    dismissed: 'dismissed, not written',
    resolved: 'no longer needed',
};

/** The block's table: the limit and the last check. */
export function checkLines(repairs: RepairsStatus, locale?: string): Line[] {
    const last = repairs.last_check;
    const counts = last
        ? `${last.repaired} repaired, ${last.flagged} flagged, ${last.waiting} waiting`
          + (last.orders_stale ? ' (orders could not be read: no figure was raised)' : '')
        : 'no target check yet';
    return [
        { label: 'Repaired without asking', value: `up to ${repairs.limit}` },
        { label: 'Last target check', value: last ? `${formatTime(last.at, locale)}: ${counts}` : counts },
        { label: 'Repair history', value: `${repairs.count} record${repairs.count === 1 ? '' : 's'}` },
    ];
}

/** "W-1", or "W-1 at src_a" for a location map's SKU@code. */
function skuText(sku: string): string {
    const at = sku.lastIndexOf('@');
    return at > 0 ? `${sku.slice(0, at)} at ${sku.slice(at + 1)}` : sku;
}

function partName(record: RepairRecord): string {
    return record.part_name ? `${record.part_name} (${skuText(record.sku)})` : skuText(record.sku);
}

/** Whether a record's SKU is this part's: the SKU, or the SKU at a mapped location (SKU@code). */
export function isOfSku(recordSku: string, sku?: string | null): boolean {
    const at = recordSku.lastIndexOf('@');
    return !!sku && (recordSku === sku || (at > 0 && recordSku.slice(0, at) === sku));
}

/** "Widget (W-1): the shop had 0, InvenTree wants 100": the question a flag asks. */
export function flagText(record: RepairRecord): string {
    return `${partName(record)}: the shop has ${record.shop_had}, InvenTree wants ${record.wanted}`;
}

/** The open flags, those of this part's SKU (at any mapped location) first. */
export function openFlags(repairs: RepairsStatus, sku?: string | null): RepairRecord[] {
    const mine = repairs.open_flags.filter((f) => isOfSku(f.sku, sku));
    return [...mine, ...repairs.open_flags.filter((f) => !isOfSku(f.sku, sku))];
}

/** One line per recent record, newest first. */
export function historyLines(repairs: RepairsStatus, locale?: string): string[] {
    return repairs.recent.slice(0, SHOWN).map((r) => {
        const set = r.set !== null ? `set to ${r.set}` : `wanted ${r.wanted}`;
        return `${formatTime(r.at, locale)} ${partName(r)}: shop had ${r.shop_had}, ${set} - `
            + (OUTCOMES[r.outcome] ?? r.outcome);
    });
}

const STATES: Record<string, string> = {
    shipped: 'sent to the shop',
    already: 'the shop had it already',
    nothing: 'nothing to send',
    sending: 'being sent',
    failed: 'failed',
    dry_run: 'dry run: not sent',
};

/** One line per recent shipment of an imported order. */
export function shipmentLines(shipments: ShipmentsStatus, locale?: string): string[] {
    return shipments.recent.slice(0, SHOWN).map((s) => {
        const name = `${s.sales_order_reference ?? 'sales order'} shipment ${s.shipment_reference ?? s.shipment}`;
        const state = STATES[s.state ?? ''] ?? s.state ?? 'not sent yet';
        if (s.state === 'failed') {
            const retry = s.retry_at ? `; retried ${formatTime(new Date(s.retry_at * 1000).toISOString(), locale)}`
                : '; not retried any more';
            return `${name}: ${state} (attempt ${s.attempts ?? 1}): ${s.error ?? ''}${retry}`;
        }
        return `${name}: ${state}${s.message ? ` (${s.message})` : ''}`;
    });
}

/** The notice after Confirm or Dismiss. */
export function actionOutcome(action: 'confirm' | 'dismiss', answer: { confirmed?: RepairRecord; dismissed?: RepairRecord }): Outcome {
    const record = answer.confirmed ?? answer.dismissed;
    if (action === 'confirm' && answer.confirmed) {
        return { color: 'green', title: 'Repair written', lines: [`${partName(answer.confirmed)} set to ${answer.confirmed.set}`] };
    }
    return {
        color: 'blue',
        title: 'Flag dismissed',
        lines: record ? [`${partName(record)} stays at ${record.shop_had} on the shop until a figure changes`] : [],
    };
}
