// @vitest-environment jsdom
import React from 'react';
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { renderPanel } from '../src/Panel';
import type { PluginApi, PluginContext, StatusPayload } from '../src/types';
import { held, ordersStatus, partRow } from './rows';

const urls = {
    target: 'Magento stock sync', status_url: '/plugin/m/status/', sync_url: '/plugin/m/sync/',
    csv_url: '/plugin/m/status.csv', check_url: '/plugin/m/check/',
};

function status(overrides: Partial<StatusPayload> = {}): StatusPayload {
    return { dry_run: false, last_error: null, warnings: [], buffer: '1', quantity_basis: 'in_stock',
             parts: [partRow({ status: 'never_synced', in_sync: false, pushed_quantity: null })], ...overrides };
}

function mount(api: PluginApi) {
    const context: PluginContext = { api, id: 7, model: 'part', host: '', context: urls };
    return render(<MantineProvider>{renderPanel(context)}</MantineProvider>);
}

beforeAll(() => {
    // Mantine asks for media queries; jsdom has none.
    window.matchMedia ??= ((query: string) => ({
        matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
        addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
});

afterEach(cleanup);

describe('the part panel', () => {
    it('shows the status table with a badge, the quantity parts, warnings as alerts, and the CSV link', async () => {
        const api = { get: vi.fn().mockResolvedValue({ data: status({ warnings: ['TLS certificate verification is switched off'] }) }),
                      post: vi.fn() };
        mount(api);
        expect(await screen.findByText('Never synced')).toBeTruthy();
        expect(api.get).toHaveBeenCalledWith('/plugin/m/status/', { params: { part: 7 } });
        expect(screen.getByText('TLS certificate verification is switched off')).toBeTruthy();
        expect(screen.getByText('Safety buffer').nextSibling?.textContent).toBe('1');
        expect(screen.getByText('Quantity to push').nextSibling?.textContent).toBe('5');
        expect(screen.getByText('Parts not in sync (CSV)').closest('a')?.getAttribute('href')).toBe('/plugin/m/status.csv');
        expect(screen.queryByText('Magento stock sync')).toBeNull(); // InvenTree's panel header has the title
    });

    it('"Sync now" posts this part and shows the result and the new status in place', async () => {
        const synced = partRow();
        const api = {
            get: vi.fn().mockResolvedValue({ data: status() }),
            post: vi.fn().mockResolvedValue({ data: { summary: 'magento: 1 synced', last_error: null, parts: [synced] } }),
        };
        mount(api);
        fireEvent.click(await screen.findByRole('button', { name: 'Sync now' }));
        expect(await screen.findByText('magento: 1 synced')).toBeTruthy();
        expect(api.post).toHaveBeenCalledWith('/plugin/m/sync/', { part: 7 });
        expect(screen.getByText('In sync')).toBeTruthy();
        expect(screen.queryByText('Never synced')).toBeNull();
    });

    it('"Test connection" shows a failure with the server\'s details, and a refused request as an alert', async () => {
        const api = {
            get: vi.fn().mockResolvedValue({ data: status() }),
            post: vi.fn()
                .mockResolvedValueOnce({ data: { ok: false, target: 'magento', url: 'https://shop', details: ['token refused'] } })
                .mockRejectedValueOnce({ response: { status: 403, data: { detail: 'You do not have permission' } } }),
        };
        mount(api);
        const button = await screen.findByRole('button', { name: 'Test connection' });
        fireEvent.click(button);
        expect(await screen.findByText('Connection failed (https://shop)')).toBeTruthy();
        expect(screen.getByText('token refused')).toBeTruthy();
        fireEvent.click(button);
        expect(await screen.findByText('You do not have permission')).toBeTruthy();
        expect(api.post).toHaveBeenCalledWith('/plugin/m/check/', {});
    });

    it('cannot sync a part that has no SKU, and says why', async () => {
        const api = { get: vi.fn().mockResolvedValue({ data: status({ parts: [
            partRow({ linked: false, sku: null, status: 'unlinked', reason: 'no SKU (IPN is empty)', quantity: null })] }) }),
                      post: vi.fn() };
        mount(api);
        expect(await screen.findByText('Not linked: no SKU (IPN is empty)')).toBeTruthy();
        await waitFor(() => expect(screen.getByRole('button', { name: 'Sync now' }).hasAttribute('disabled')).toBe(true));
    });

    it('shows a failed load with the reason and a retry', async () => {
        const api = { get: vi.fn().mockRejectedValueOnce({ response: { status: 400, data: { error: 'URL is not set' } } })
                                   .mockResolvedValueOnce({ data: status() }), post: vi.fn() };
        mount(api);
        expect(await screen.findByText('URL is not set')).toBeTruthy();
        fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
        expect(await screen.findByText('Never synced')).toBeTruthy();
    });

    it('shows the Orders block: counts, held orders with their problem lines, the last error and the CSV', async () => {
        const orders = ordersStatus({ imported: 4, last_error: 'woocommerce: could not be reached',
                                      last_seen: { id: '9', number: 'W9', modified: '2026-12-01T10:00:00+00:00' },
                                      needs_attention: [held('502')], needs_attention_count: 1 });
        const api = { get: vi.fn().mockResolvedValue({ data: status({ orders }) }), post: vi.fn() };
        mount(api);
        expect(await screen.findByText('Orders')).toBeTruthy();
        expect(screen.getByText('Importing')).toBeTruthy();
        expect(screen.getByText('Orders imported').nextSibling?.textContent).toBe('4');
        expect(screen.getByText('Needing attention').nextSibling?.textContent).toBe('1');
        expect(screen.getByText('Order W502 - sales order SO-0007 (held)')).toBeTruthy();
        expect(screen.getByText("line 2 (SKU 'NO-SUCH'): no part has this SKU")).toBeTruthy();
        expect(screen.getByText('woocommerce: could not be reached')).toBeTruthy();
        expect(screen.getByText('Orders needing attention (CSV)').closest('a')?.getAttribute('href')).toBe('/plugin/w/orders.csv');
    });

    it('shows what a dry run would import', async () => {
        const orders = ordersStatus({ dry_run: true, would_import: [{ order_id: '1', number: 'W1', action: 'create',
            held: false, customer: 'Shop', flag: null, problems: [], lines: [{ sku: 'W-1', quantity: '3', part: 7 }] }] });
        mount({ get: vi.fn().mockResolvedValue({ data: status({ orders }) }), post: vi.fn() });
        expect(await screen.findByText('Dry run: would import')).toBeTruthy();
        expect(screen.getByText('W1: would create a sales order: 3 x W-1')).toBeTruthy();
    });

    it('"Register webhook" posts, shows what was done and reloads the status; a refusal shows the instructions', async () => {
        const api = {
            get: vi.fn().mockResolvedValue({ data: status({ orders: ordersStatus() }) }),
            post: vi.fn()
                .mockResolvedValueOnce({ data: { registered: true, delivery_url: 'https://inv/plugin/w/webhook/',
                                                 webhooks: [{ topic: 'order.created', id: 3, action: 'created' }] } })
                .mockResolvedValueOnce({ data: { registered: false, error: 'no write permission',
                                                 instructions: 'Add it under WooCommerce > Settings > Advanced > Webhooks' } }),
        };
        mount(api);
        const button = await screen.findByRole('button', { name: 'Register webhook' });
        fireEvent.click(button);
        expect(await screen.findByText('Webhook registered')).toBeTruthy();
        expect(screen.getByText('order.created: created (id 3)')).toBeTruthy();
        expect(api.post).toHaveBeenCalledWith('/plugin/w/register-webhook/', {});
        await waitFor(() => expect(api.get).toHaveBeenCalledTimes(2));
        fireEvent.click(button);
        expect(await screen.findByText('Set up the webhook by hand')).toBeTruthy();
        expect(screen.getByText('Add it under WooCommerce > Settings > Advanced > Webhooks')).toBeTruthy();
    });

    it('has no "Register webhook" for a shop that is only polled, and no Orders block from an older plugin', async () => {
        const api = { get: vi.fn().mockResolvedValue({ data: status({ orders: ordersStatus({ webhook: null,
                                                                                           register_webhook_url: null }) }) }),
                      post: vi.fn() };
        mount(api);
        expect(await screen.findByText('none: orders are polled')).toBeTruthy();
        expect(screen.queryByRole('button', { name: 'Register webhook' })).toBeNull();
        cleanup();
        mount({ get: vi.fn().mockResolvedValue({ data: status() }), post: vi.fn() });
        expect(await screen.findByText('Never synced')).toBeTruthy();
        expect(screen.queryByText('Orders')).toBeNull();
    });

    it('shows how the number was made and says when the orders are stale', async () => {
        const offer = { quantity: '10', sellable: '8', mode: 'available_after_open_orders', behaviour: 'reserves_open_orders',
            steps: [{ key: 'in_stock', label: 'in stock', amount: '10', total: '10' },
                    { key: 'open_orders', label: 'open sales orders (unshipped, allocated or not)', amount: '-2', total: '8' },
                    { key: 'shop_reserved', label: "the shop's own open orders (it reserves them itself)", amount: '2',
                      total: '10' }] };
        const api = { get: vi.fn().mockResolvedValue({ data: status({
            orders_stale: 'magento: orders could not be read (503)',
            parts: [partRow({ quantity: '10', sellable: '8', offer })] }) }), post: vi.fn() };
        mount(api);
        expect(await screen.findByText('How this number was made')).toBeTruthy();
        expect(screen.getByText('open sales orders (unshipped, allocated or not)').nextSibling?.textContent).toBe('-2 = 8');
        expect(screen.getByText("the shop's own open orders (it reserves them itself)").nextSibling?.textContent)
            .toBe('+2 = 10');
        expect(screen.getByText('Figure pushed').nextSibling?.textContent).toBe('10');
        expect(screen.getByText('Offered for sale (the shop subtracts its own open orders)').nextSibling?.textContent)
            .toBe('8');
        expect(screen.getByText('Orders are stale')).toBeTruthy();
        expect(screen.getByText(/orders could not be read \(503\)/)).toBeTruthy();
    });

    it('with a location map shows how each shop location\'s figure was made, not one figure', async () => {
        const place = (location: string, path: string, quantity: string) => ({
            location, quantity, stock_location: { pk: 1, path }, pushed_quantity: quantity, status: 'synced',
            in_sync: true, last_error: null, sellable: quantity, unallocated: '0', unallocated_share: '0',
            offer: { quantity, sellable: quantity, mode: 'available_after_open_orders', behaviour: 'decrements_on_order',
                     steps: [{ key: 'in_stock', label: `in stock at ${path}`, amount: quantity, total: quantity }] } });
        const api = { get: vi.fn().mockResolvedValue({ data: status({ parts: [partRow({
            quantity: '16', sellable: '16', offer: null,
            locations: [place('src_a', 'North', '7'), place('src_b', 'South', '9')] })] }) }), post: vi.fn() };
        mount(api);
        expect(await screen.findByText('How this number was made, per location')).toBeTruthy();
        expect(screen.queryByText('How this number was made')).toBeNull();
        expect(screen.getByText('src_a gets North (with its sublocations)')).toBeTruthy();
        expect(screen.getByText('in stock at North').nextSibling?.textContent).toBe('7');
        expect(screen.getByText('src_b gets South (with its sublocations)')).toBeTruthy();
        expect(screen.getByText('in stock at South').nextSibling?.textContent).toBe('9');
        expect(screen.getByText('Figure pushed, all locations').nextSibling?.textContent).toBe('16');
        expect(screen.getAllByText('Figure pushed').map((cell) => cell.nextSibling?.textContent)).toEqual(['7', '9']);
    });
});
