/**
 * What the category page's "Import from <shop>" panel shows and sends, decided from the
 * import endpoint's answers (GET/POST catalogue/import/, inventree/catalogue_import.py):
 * pure functions, checked by vitest. Its types are here, not in types.ts, so that this
 * panel stays in its own files.
 */
import { errorMessage, type Outcome } from './logic';

/** What get_ui_panels() puts in the category panel's "context" (catalogue_import.import_panels). */
export interface ImportUrls {
    target: string;
    import_url: string;
    /** InvenTree's stock location list, searched by the location picker. */
    locations_url: string;
    /** The web UI's part page without the id, e.g. "/web/part/". */
    part_url: string;
}

/** One product of GET catalogue/import/ (core.catalogue.Product.to_json, with its description). */
export interface ImportProduct {
    sku: string;
    name: string;
    kind: string;
    price: string | null;
    quantity: string | null;
    managed: boolean;
    remote_id: string;
    parent_sku: string | null;
    description?: string;
}

export interface ImportList {
    count: number;
    products: ImportProduct[];
}

export interface ImportAnswer {
    created: { sku: string; part: number; stock_item: number | null }[];
    refused: { sku: string; error: string }[];
    seconds?: number;
}

/** One stock location of InvenTree's /api/stock/location/ as the picker offers it. */
export interface LocationChoice {
    value: string;
    label: string;
}

/** Products a page of the list holds; new parts linked by name after an import. */
export const PAGE_SIZE = 50;
export const LINKED_PARTS = 20;

/**
 * How long the panel waits for the shop's catalogue and for an import (ms). InvenTree's API
 * client gives up after 5 s, which reading thousands of products, or importing them, takes.
 */
export const IMPORT_TIMEOUT_MS = 300_000;

/** InvenTree's axios instance, with the per-request options this panel passes. */
export interface ImportApi {
    get<T = unknown>(url: string, config?: { params?: Record<string, unknown>; timeout?: number }): Promise<{ data: T }>;
    post<T = unknown>(url: string, data?: unknown, config?: { timeout?: number }): Promise<{ data: T }>;
}

/** The products whose SKU, name or kind holds every word of ``query`` (letter case ignored). */
export function filterProducts(products: ImportProduct[], query: string): ImportProduct[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) {
        return products;
    }
    return products.filter((p) => {
        const text = `${p.sku} ${p.name} ${p.kind}`.toLowerCase();
        return words.every((word) => text.includes(word));
    });
}

/** How many pages ``count`` items fill (at least 1), and the items of page ``page`` (from 1). */
export function pageCount(count: number, size = PAGE_SIZE): number {
    return Math.max(1, Math.ceil(count / size));
}

export function pageOf<T>(items: T[], page: number, size = PAGE_SIZE): T[] {
    const last = pageCount(items.length, size);
    const shown = Math.min(Math.max(1, page), last);
    return items.slice((shown - 1) * size, shown * size);
}

/** The selection with every SKU of ``products`` added (``on``) or taken off. */
export function selectAll(selected: ReadonlySet<string>, products: { sku: string }[], on: boolean): Set<string> {
    const next = new Set(selected);
    for (const product of products) {
        if (on) {
            next.add(product.sku);
        } else {
            next.delete(product.sku);
        }
    }
    return next;
}

export function toggle(selected: ReadonlySet<string>, sku: string): Set<string> {
    const next = new Set(selected);
    if (!next.delete(sku)) {
        next.add(sku);
    }
    return next;
}

/** "all", "some" or "none" of ``products`` are selected (the header checkbox's state). */
export function selectionState(selected: ReadonlySet<string>, products: ImportProduct[]): 'all' | 'some' | 'none' {
    const chosen = products.filter((p) => selected.has(p.sku)).length;
    if (!chosen) {
        return 'none';
    }
    return chosen === products.length ? 'all' : 'some';
}

/** The body of POST catalogue/import/: the chosen SKUs in the list's order. */
export function importBody(products: ImportProduct[], selected: ReadonlySet<string>, category: number | string,
                           location: string | null): { skus: string[]; category: number | string; location: number | null } {
    return {
        skus: products.filter((p) => selected.has(p.sku)).map((p) => p.sku),
        category,
        location: location ? Number(location) : null,
    };
}

/** A product's kind as the list shows it: "simple", "variation of T-1". */
export function kindText(product: ImportProduct): string {
    const kind = product.kind || 'product';
    return product.parent_sku ? `${kind}, variation of ${product.parent_sku}` : kind;
}

/** The quantity column: the shop's figure, or why there is none. */
export function quantityText(product: ImportProduct): string {
    if (!product.managed || product.quantity === null) {
        return 'not tracked';
    }
    return product.quantity;
}

/** The notice when the list is empty: nothing on the shop, or every product held by a part. */
export function emptyOutcome(target: string): Outcome {
    return {
        color: 'blue',
        title: 'Nothing to import',
        lines: [`Every product on ${target} with a SKU is held by a part already (or the shop has no products).`],
    };
}

export function listFailure(target: string, error: unknown): Outcome {
    return { color: 'red', title: `Could not read the products of ${target}`, lines: [errorMessage(error)] };
}

/** What one import came to: how many parts were created (and with stock), and each refusal. */
export function importOutcome(answer: ImportAnswer): Outcome {
    const stocked = answer.created.filter((row) => row.stock_item !== null).length;
    const lines: string[] = [];
    if (answer.created.length) {
        lines.push(`${answer.created.length} part${answer.created.length === 1 ? '' : 's'} created`
            + (stocked ? `, ${stocked} with an initial stock item` : '')
            + (answer.seconds !== undefined ? ` in ${answer.seconds} s` : ''));
    }
    lines.push(...answer.refused.map((row) => `${row.sku}: not imported: ${row.error}`));
    if (!answer.created.length) {
        return { color: 'red', title: 'Nothing was imported', lines };
    }
    return { color: answer.refused.length ? 'yellow' : 'green',
             title: answer.refused.length ? 'Imported, with refusals' : 'Imported', lines };
}

/**
 * A failed import: refused by the server (4xx, nothing created), or without an answer (lost,
 * timed out, 5xx), when the parts may have been created all the same: the list, read again,
 * tells which.
 */
export function importFailure(error: unknown): Outcome {
    const status = (error as { response?: { status?: number } } | null)?.response?.status;
    if (status && status < 500) {
        return { color: 'red', title: 'Import refused: nothing was created', lines: [errorMessage(error)] };
    }
    return {
        color: 'yellow',
        title: 'No answer to the import',
        lines: [errorMessage(error), 'The parts may have been created all the same: the list below is read again '
            + 'and no longer shows the products that were imported (the category\'s parts list shows them).'],
    };
}

/** The web page of a new part (its address, and its route below the web UI's base for navigate()). */
export function partLink(partUrl: string, part: number): string {
    return `${partUrl.replace(/\/+$/, '')}/${part}/details`;
}

export function partRoute(part: number): string {
    return `/part/${part}/details`;
}

/** The picker's choices from /api/stock/location/ (a page {results} or a plain list). */
export function locationChoices(data: unknown): LocationChoice[] {
    const rows = Array.isArray(data) ? data : (data as { results?: unknown[] } | null)?.results ?? [];
    return rows.flatMap((row) => {
        const location = row as { pk?: number; name?: string; pathstring?: string };
        return typeof location.pk === 'number'
            ? [{ value: String(location.pk), label: location.pathstring || location.name || `#${location.pk}` }]
            : [];
    });
}
