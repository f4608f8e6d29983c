/**
 * What the panel shows, decided from the status API's answers: pure functions, so that
 * vitest checks them without a browser or an InvenTree.
 */
import type { CheckPayload, LocationStatus, OfferExplanation, PartStatus, StatusPayload, SyncPayload } from './types';

export interface BadgeSpec {
    label: string;
    color: string;
}

export interface Line {
    label: string;
    value: string;
}

/** A notice shown in place of the button that caused it. */
export interface Outcome {
    color: 'green' | 'red' | 'yellow' | 'blue';
    title: string;
    lines: string[];
}

const EMPTY = '-';

const BADGES: Record<string, BadgeSpec> = {
    synced: { label: 'In sync', color: 'green' },
    pending: { label: 'Pending', color: 'yellow' },
    dry_run: { label: 'Dry run', color: 'blue' },
    not_found: { label: 'Not found on target', color: 'orange' },
    skipped: { label: 'Skipped', color: 'orange' },
    error: { label: 'Error', color: 'red' },
    never_synced: { label: 'Never synced', color: 'gray' },
    unlinked: { label: 'Not linked', color: 'gray' },
};

/** The status badge: a synced row whose quantity has changed since the push is not "In sync". */
export function statusBadge(row: PartStatus): BadgeSpec {
    if (row.status === 'synced' && !row.in_sync) {
        return { label: 'Changed since last push', color: 'yellow' };
    }
    return BADGES[row.status] ?? { label: row.status.replace(/_/g, ' '), color: 'gray' };
}

export function formatTime(iso: string | null, locale?: string): string {
    if (!iso) {
        return EMPTY;
    }
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) {
        return iso;
    }
    return when.toLocaleString(locale ? locale.replace('_', '-') : undefined);
}

function text(value: string | number | null | undefined): string {
    return value === null || value === undefined || value === '' ? EMPTY : String(value);
}

/** Where the part stands on the target: the rows of the status table below the badge. */
export function statusLines(row: PartStatus, locale?: string): Line[] {
    return [
        { label: 'SKU', value: row.linked ? text(row.sku) : `Not linked: ${row.reason || 'no SKU'}` },
        { label: 'Remote id', value: text(row.remote_id) },
        { label: 'Attempts', value: text(row.attempts) },
        { label: 'Last attempt', value: formatTime(row.last_attempt, locale) },
        { label: 'Last success', value: formatTime(row.last_success, locale) },
    ];
}

const BASIS: Record<string, string> = {
    in_stock: 'in stock',
    available: 'available (in stock less allocated)',
    available_after_open_orders: 'available after open orders (in stock less every open sales order)',
};

/** A step's amount with its sign: "+4", "-3". */
function signed(amount: string): string {
    return amount.startsWith('-') ? amount : `+${amount}`;
}

/**
 * How the pushed number was made, one line per step of the server's explanation: the first
 * line(s) in stock (per location when one is set), then what each step adds or takes off
 * and the running total, then the figure pushed and, when the shop reserves its own open
 * orders, what it offers for sale.
 */
export function offerLines(offer: OfferExplanation): Line[] {
    const lines: Line[] = offer.steps.map((step, index) => ({
        label: step.label,
        value: index === 0 || (step.key === 'in_stock' && offer.steps[index - 1]?.key === 'in_stock')
            ? step.amount
            : `${signed(step.amount)} = ${step.total}`,
    }));
    lines.push({ label: 'Figure pushed', value: offer.quantity });
    if (offer.behaviour === 'reserves_open_orders') {
        lines.push({ label: 'Offered for sale (the shop subtracts its own open orders)', value: offer.sellable });
    }
    return lines;
}

/** One mapped location in "How this number was made": its heading and its lines. */
export interface LocationExplanation {
    title: string;
    lines: Line[];
}

/**
 * With a location map: per shop location, the InvenTree location it gets (with its
 * sublocations) and how its figure was made, then what the shop gets in all. Empty
 * without a map (``offerLines`` of the row's own offer then).
 */
export function locationExplanations(row: PartStatus): LocationExplanation[] {
    const places = row.locations ?? [];
    if (!places.length) {
        return [];
    }
    const made = places.map((place: LocationStatus) => {
        const lines = place.offer ? offerLines(place.offer) : [{ label: 'Figure pushed', value: place.quantity }];
        const share = place.unallocated_share ?? '0';
        if (place.unallocated && place.unallocated !== '0') {
            lines.splice(lines.findIndex((line) => line.label === 'Figure pushed'), 0, {
                label: 'Open orders allocated from no location',
                value: `${place.unallocated} in all, taken off once over the locations: ${share} of it here`,
            });
        }
        lines.push(
            { label: 'Last pushed', value: text(place.pushed_quantity) },
            { label: 'Status', value: statusBadge({ ...row, status: place.status, in_sync: place.in_sync }).label },
        );
        if (place.last_error) {
            lines.push({ label: 'Error', value: place.last_error });
        }
        return { title: `${place.location} gets ${place.stock_location.path} (with its sublocations)`, lines };
    });
    const total: Line[] = [{ label: 'Figure pushed, all locations', value: text(row.quantity) }];
    if (row.sellable !== undefined && row.sellable !== row.quantity) {
        total.push({ label: 'Offered for sale (the shop subtracts its own open orders)', value: row.sellable });
    }
    return [...made, { title: 'All mapped locations', lines: total }];
}

/** How the pushed number is made, from what the status API gives. */
export function quantityLines(row: PartStatus, payload: Pick<StatusPayload, 'buffer' | 'quantity_basis'>): Line[] {
    const lines: Line[] = [];
    if (payload.quantity_basis) {
        lines.push({ label: 'Counted as', value: BASIS[payload.quantity_basis] ?? payload.quantity_basis });
    }
    if (payload.buffer !== undefined && payload.buffer !== null) {
        lines.push({ label: 'Safety buffer', value: payload.buffer });
    }
    lines.push(
        { label: 'Quantity to push', value: text(row.quantity) },
        { label: 'Last pushed', value: text(row.pushed_quantity) },
        { label: row.dry_run ? 'Would push' : 'Pending', value: text(row.pending_quantity) },
    );
    return lines;
}

/** The part's status after "Sync now": the sync answer replaces the part row, keeps the rest. */
export function afterSync(previous: StatusPayload, answer: SyncPayload): StatusPayload {
    return {
        ...previous,
        last_error: answer.last_error,
        parts: answer.parts.length ? answer.parts : previous.parts,
    };
}

export function syncOutcome(answer: SyncPayload): Outcome {
    const row = answer.parts[0];
    if (row?.last_error && !row.in_sync) {
        return { color: 'red', title: 'Sync did not succeed', lines: [row.last_error] };
    }
    if (row?.dry_run) {
        return { color: 'blue', title: 'Dry run: nothing was written', lines: [answer.summary ?? 'nothing to do'] };
    }
    return { color: 'green', title: 'Synced', lines: [answer.summary ?? 'nothing to do'] };
}

export function checkOutcome(answer: CheckPayload): Outcome {
    const where = answer.url ? ` (${answer.url})` : '';
    return {
        color: answer.ok ? 'green' : 'red',
        title: answer.ok ? `Connection works${where}` : `Connection failed${where}`,
        lines: answer.details ?? [],
    };
}

interface HttpError {
    message?: string;
    response?: { status?: number; data?: unknown };
}

/** A readable message from a failed request: the plugin's "error", DRF's "detail", or the status. */
export function errorMessage(error: unknown): string {
    const failure = (error ?? {}) as HttpError;
    const data = failure.response?.data;
    if (data && typeof data === 'object') {
        const body = data as Record<string, unknown>;
        const said = body.error ?? body.detail;
        if (typeof said === 'string' && said) {
            return said;
        }
    }
    if (failure.response?.status) {
        return `The server answered HTTP ${failure.response.status}`;
    }
    return failure.message || String(error);
}

export function failureOutcome(title: string, error: unknown): Outcome {
    return { color: 'red', title, lines: [errorMessage(error)] };
}

/** The CSV link: the URL as given when InvenTree runs on this page's host, else on InvenTree's host. */
export function absoluteUrl(path: string, host?: string): string {
    if (!host || /^https?:\/\//.test(path)) {
        return path;
    }
    return host.replace(/\/+$/, '') + path;
}
