/**
 * The parts of InvenTree's plugin context (InvenTree 1.x, PluginContext.tsx) and of this
 * plugin's status API that the panel reads. InvenTree's own type package is not on the
 * npm registry this project can reach, so only what is used is described here.
 */

export interface ApiResponse<T = unknown> {
    data: T;
    status?: number;
}

/** InvenTree's axios instance: it carries the session cookie and the CSRF token. */
export interface PluginApi {
    get<T = unknown>(url: string, config?: { params?: Record<string, unknown> }): Promise<ApiResponse<T>>;
    post<T = unknown>(url: string, data?: unknown): Promise<ApiResponse<T>>;
}

/** What get_ui_panels() puts in the panel's "context". */
export interface PanelUrls {
    target: string;
    status_url: string;
    sync_url: string;
    csv_url: string;
    check_url: string;
}

export interface PluginContext {
    api: PluginApi;
    host?: string;
    id?: number | string | null;
    model?: string;
    locale?: string;
    context?: PanelUrls;
}

/** One row of GET status/ (sync.status_rows). Quantities are decimal strings. */
export interface PartStatus {
    part: number;
    sku: string | null;
    linked: boolean;
    reason: string | null;
    quantity: string | null;
    status: string;
    remote_id: string | null;
    pushed_quantity: string | null;
    pending_quantity: string | null;
    attempts: number;
    last_error: string | null;
    last_attempt: string | null;
    last_success: string | null;
    in_sync: boolean;
    dry_run: boolean;
    /** What the shop then offers for sale (a reserving shop subtracts its own orders). */
    sellable?: string;
    /** How the number was made (core.offer.Offer.to_json); only in a one-part answer.
     *  null with a location map: each of ``locations`` says it instead. */
    offer?: OfferExplanation | null;
    /** With a location map (Magento, Zoho): one entry per mapped shop location. */
    locations?: LocationStatus[];
}

/** One mapped location of a part's status row (inventree/locations.py located_status). */
export interface LocationStatus {
    /** The shop's location: a Magento source code, a Zoho location id. */
    location: string;
    quantity: string;
    /** The InvenTree location whose stock (with its sublocations) it gets. */
    stock_location: { pk: number; path: string };
    pushed_quantity: string | null;
    status: string;
    in_sync: boolean;
    last_error: string | null;
    /** Only in a one-part answer, as ``offer`` of a row without a map. */
    sellable?: string;
    offer?: OfferExplanation;
    /** Open order quantity allocated from no location (all locations together) ... */
    unallocated?: string;
    /** ... and how much of it this location takes off (once over all of them). */
    unallocated_share?: string;
}

/** One step of the explanation: ``amount`` added (negative: taken off) gives ``total``. */
export interface OfferStep {
    key: string;
    label: string;
    amount: string;
    total: string;
}

export interface OfferExplanation {
    quantity: string;
    sellable: string;
    mode: string;
    behaviour: string;
    steps: OfferStep[];
}

export interface StatusPayload {
    target?: string;
    enabled?: boolean;
    dry_run: boolean;
    last_error: string | null;
    warnings: string[];
    buffer?: string | null;
    quantity_basis?: string | null;
    /** reserves_open_orders (Magento MSI, Zoho) or decrements_on_order. */
    order_behaviour?: string | null;
    /** Why the last push's order import could not read the shop's orders (null: current). */
    orders_stale?: string | null;
    parts: PartStatus[];
    /** The order import (absent from a plugin version before it). */
    orders?: OrdersStatus;
}

/** One order needing attention: held (problem lines) or flagged (a change that cannot follow). */
export interface AttentionOrder {
    order_id: string;
    number: string;
    modified: string | null;
    sales_order: number | null;
    sales_order_reference: string | null;
    problems: string[];
    flag: string | null;
    since: number;
}

/** What a dry run recorded for one order (orders.Plan.to_json). */
export interface WouldImport {
    order_id: string;
    number: string;
    action: string;
    held: boolean;
    customer: string;
    new_customer?: boolean;
    lines: { sku: string; quantity: string; part: number }[];
    problems: string[];
    flag: string | null;
}

export interface WebhookRegistration {
    at: string;
    delivery_url: string;
    webhooks: { topic?: string | null; id?: string | number | null; action?: string | null }[];
}

/** The "orders" object of GET status/ (order_runs.order_status plus the URLs). */
export interface OrdersStatus {
    import_enabled: boolean;
    dry_run: boolean;
    last_seen: { id: string; number: string; modified: string } | null;
    imported: number;
    needs_attention: AttentionOrder[];
    needs_attention_count?: number;
    last_poll: string | null;
    last_audit: string | null;
    last_counts: Record<string, number>;
    last_error: string | null;
    would_import: WouldImport[];
    webhook: string | null;
    webhook_url: string | null;
    webhook_registration?: WebhookRegistration | null;
    csv_url: string;
    register_webhook_url: string | null;
}

/** The answer of POST register-webhook/ (also the body of its 400 and 502 answers). */
export interface RegisterPayload {
    registered: boolean;
    delivery_url?: string;
    webhooks?: { topic?: string; id?: string | number; action?: string }[];
    warnings?: string[];
    instructions?: string | null;
    error?: string;
    secret_generated?: boolean;
}

export interface SyncPayload {
    summary: string | null;
    last_error: string | null;
    parts: PartStatus[];
}

export interface CheckPayload {
    ok: boolean;
    target: string;
    url: string | null;
    details: string[];
    warnings?: string[];
}
