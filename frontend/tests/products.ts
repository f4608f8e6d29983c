import type { ImportProduct } from '../src/importing';

/** A product of the import list, as GET catalogue/import/ answers it. */
export function product(sku: string, overrides: Partial<ImportProduct> = {}): ImportProduct {
    return { sku, name: `Product ${sku}`, kind: 'simple', price: '3.25', quantity: '4', managed: true,
             remote_id: sku, parent_sku: null, ...overrides };
}
