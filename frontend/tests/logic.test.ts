import { describe, expect, it } from 'vitest';

import {
    absoluteUrl,
    afterSync,
    checkOutcome,
    errorMessage,
    locationExplanations,
    offerLines,
    quantityLines,
    statusBadge,
    statusLines,
    syncOutcome,
} from '../src/logic';
import type { LocationStatus, StatusPayload } from '../src/types';
import { partRow } from './rows';


describe('statusBadge', () => {
    it('is green only when the pushed quantity is still the one to push', () => {
        expect(statusBadge(partRow())).toEqual({ label: 'In sync', color: 'green' });
        expect(statusBadge(partRow({ in_sync: false, quantity: '4' }))).toEqual(
            { label: 'Changed since last push', color: 'yellow' });
    });

    it('names every ledger status, and shows an unknown one as words', () => {
        expect(statusBadge(partRow({ status: 'error', in_sync: false })).color).toBe('red');
        expect(statusBadge(partRow({ status: 'not_found' })).label).toBe('Not found on target');
        expect(statusBadge(partRow({ status: 'unlinked', linked: false })).label).toBe('Not linked');
        expect(statusBadge(partRow({ status: 'some_new_state' }))).toEqual({ label: 'some new state', color: 'gray' });
    });
});

describe('status and quantity tables', () => {
    it('says why a part is not linked instead of an empty SKU', () => {
        const lines = statusLines(partRow({ linked: false, sku: null, reason: 'no SKU (IPN is empty)' }));
        expect(lines[0]).toEqual({ label: 'SKU', value: 'Not linked: no SKU (IPN is empty)' });
    });

    it('shows a dash for what has not happened yet', () => {
        const lines = statusLines(partRow({ remote_id: null, last_success: null }));
        expect(lines.find((l) => l.label === 'Remote id')?.value).toBe('-');
        expect(lines.find((l) => l.label === 'Last success')?.value).toBe('-');
    });

    it('shows how the pushed number is made: basis, buffer, quantity, pushed, pending', () => {
        const lines = quantityLines(partRow({ quantity: '3', pushed_quantity: '5', pending_quantity: '3' }),
            { buffer: '2', quantity_basis: 'available' });
        expect(lines.map((l) => [l.label, l.value])).toEqual([
            ['Counted as', 'available (in stock less allocated)'],
            ['Safety buffer', '2'],
            ['Quantity to push', '3'],
            ['Last pushed', '5'],
            ['Pending', '3'],
        ]);
    });

    it('calls the pending number "would push" in a dry run, and leaves out what the server did not send', () => {
        const lines = quantityLines(partRow({ dry_run: true, pending_quantity: '5' }), {});
        expect(lines.map((l) => l.label)).toEqual(['Quantity to push', 'Last pushed', 'Would push']);
    });
});

describe('sync now', () => {
    const before: StatusPayload = {
        dry_run: false, last_error: 'old failure', warnings: ['TLS off'], buffer: '0', parts: [partRow({ status: 'error' })],
    };

    it('replaces the part row and the last error, keeping the warnings', () => {
        const after = afterSync(before, { summary: 'magento: 1 synced', last_error: null, parts: [partRow()] });
        expect(after.parts[0].status).toBe('synced');
        expect(after.last_error).toBeNull();
        expect(after.warnings).toEqual(['TLS off']);
        expect(after.buffer).toBe('0');
    });

    it('reports success, a dry run, or the part\'s error', () => {
        expect(syncOutcome({ summary: 'magento: 1 synced', last_error: null, parts: [partRow()] }))
            .toEqual({ color: 'green', title: 'Synced', lines: ['magento: 1 synced'] });
        expect(syncOutcome({ summary: 'magento: 1 dry run', last_error: null, parts: [partRow({ dry_run: true })] }).color)
            .toBe('blue');
        const failed = syncOutcome({
            summary: 'magento: 1 failed', last_error: null,
            parts: [partRow({ status: 'error', in_sync: false, last_error: 'HTTP 401 from Magento' })],
        });
        expect(failed).toEqual({ color: 'red', title: 'Sync did not succeed', lines: ['HTTP 401 from Magento'] });
    });
});

describe('test connection and errors', () => {
    it('shows the URL and every detail', () => {
        expect(checkOutcome({ ok: false, target: 'magento', url: 'https://shop', details: ['token refused'] })).toEqual(
            { color: 'red', title: 'Connection failed (https://shop)', lines: ['token refused'] });
        expect(checkOutcome({ ok: true, target: 'magento', url: null, details: [] }).title).toBe('Connection works');
    });

    it('reads the plugin\'s error, DRF\'s detail, else the HTTP status or the message', () => {
        expect(errorMessage({ response: { status: 400, data: { error: 'sync is disabled' } } })).toBe('sync is disabled');
        expect(errorMessage({ response: { status: 403, data: { detail: 'Not allowed' } } })).toBe('Not allowed');
        expect(errorMessage({ response: { status: 502, data: '<html>' } })).toBe('The server answered HTTP 502');
        expect(errorMessage(new Error('Network Error'))).toBe('Network Error');
    });

    it('puts InvenTree\'s host in front of the CSV path only when there is one', () => {
        expect(absoluteUrl('/plugin/x/status.csv', '')).toBe('/plugin/x/status.csv');
        expect(absoluteUrl('/plugin/x/status.csv', 'http://inv:8000/')).toBe('http://inv:8000/plugin/x/status.csv');
    });
});

describe('how the number was made', () => {
    const steps = (...rows: [string, string, string, string][]) =>
        rows.map(([key, label, amount, total]) => ({ key, label, amount, total }));

    it('lists in stock per location, then each step with its sign and running total, then the figure', () => {
        const lines = offerLines({
            quantity: '9', sellable: '9', mode: 'available_after_open_orders', behaviour: 'decrements_on_order',
            steps: steps(['in_stock', 'in stock at Store', '10', '10'], ['in_stock', 'in stock at Store/Shelf', '4', '14'],
                ['open_orders', 'open sales orders (unshipped, allocated or not)', '-3', '11'],
                ['build_allocated', 'allocated to build orders', '-1', '10'], ['buffer', 'safety buffer', '-1', '9']),
        });
        expect(lines.map((l) => [l.label, l.value])).toEqual([
            ['in stock at Store', '10'],
            ['in stock at Store/Shelf', '4'],
            ['open sales orders (unshipped, allocated or not)', '-3 = 11'],
            ['allocated to build orders', '-1 = 10'],
            ['safety buffer', '-1 = 9'],
            ['Figure pushed', '9'],
        ]);
    });

    it('adds back a reserving shop\'s own orders and says what it then offers for sale', () => {
        const lines = offerLines({
            quantity: '10', sellable: '8', mode: 'available_after_open_orders', behaviour: 'reserves_open_orders',
            steps: steps(['in_stock', 'in stock', '10', '10'], ['open_orders', 'open sales orders', '-2', '8'],
                ['shop_reserved', "the shop's own open orders (it reserves them itself)", '2', '10']),
        });
        expect(lines.slice(2).map((l) => [l.label, l.value])).toEqual([
            ["the shop's own open orders (it reserves them itself)", '+2 = 10'],
            ['Figure pushed', '10'],
            ['Offered for sale (the shop subtracts its own open orders)', '8'],
        ]);
    });

    it('with a location map: each shop location, the InvenTree location it gets, its steps, and the total', () => {
        const place = (overrides: Partial<LocationStatus>): LocationStatus => ({
            location: 'src_a', quantity: '7', stock_location: { pk: 3, path: 'North' }, pushed_quantity: '7',
            status: 'synced', in_sync: true, last_error: null, unallocated: '2', unallocated_share: '0', ...overrides });
        const north = place({
            quantity: '7', sellable: '5', unallocated_share: '2',
            offer: { quantity: '7', sellable: '5', mode: 'available_after_open_orders', behaviour: 'reserves_open_orders',
                     steps: steps(['in_stock', 'in stock at North', '5', '5'], ['in_stock', 'in stock at North/Shelf', '2', '7'],
                         ['open_orders', 'open sales orders (unshipped, allocated or not)', '-2', '5'],
                         ['shop_reserved', "the shop's own open orders (it reserves them itself)", '2', '7']) } });
        const south = place({
            location: 'src_b', quantity: '9', stock_location: { pk: 4, path: 'South' }, pushed_quantity: '4',
            status: 'synced', in_sync: false, last_error: 'HTTP 503',
            offer: { quantity: '9', sellable: '9', mode: 'available_after_open_orders', behaviour: 'decrements_on_order',
                     steps: steps(['in_stock', 'in stock at South', '9', '9']) } });
        const made = locationExplanations(partRow({ quantity: '16', sellable: '14', offer: null, locations: [north, south] }));

        expect(made.map((m) => m.title)).toEqual([
            'src_a gets North (with its sublocations)', 'src_b gets South (with its sublocations)', 'All mapped locations']);
        expect(made[0].lines.map((l) => [l.label, l.value])).toEqual([
            ['in stock at North', '5'],
            ['in stock at North/Shelf', '2'],
            ['open sales orders (unshipped, allocated or not)', '-2 = 5'],
            ["the shop's own open orders (it reserves them itself)", '+2 = 7'],
            ['Open orders allocated from no location', '2 in all, taken off once over the locations: 2 of it here'],
            ['Figure pushed', '7'],
            ['Offered for sale (the shop subtracts its own open orders)', '5'],
            ['Last pushed', '7'],
            ['Status', 'In sync'],
        ]);
        expect(made[1].lines.map((l) => [l.label, l.value])).toEqual([
            ['in stock at South', '9'],
            ['Open orders allocated from no location', '2 in all, taken off once over the locations: 0 of it here'],
            ['Figure pushed', '9'],
            ['Last pushed', '4'],
            ['Status', 'Changed since last push'],
            ['Error', 'HTTP 503'],
        ]);
        expect(made[2].lines.map((l) => [l.label, l.value])).toEqual([
            ['Figure pushed, all locations', '16'],
            ['Offered for sale (the shop subtracts its own open orders)', '14'],
        ]);
    });

    it('without a map, or in a many-part answer, the per-location list is empty or says the figure only', () => {
        expect(locationExplanations(partRow())).toEqual([]);
        const bare: LocationStatus = { location: '460000000038080', quantity: '3', stock_location: { pk: 3, path: 'Shop' },
            pushed_quantity: null, status: 'never_synced', in_sync: false, last_error: null };
        const made = locationExplanations(partRow({ quantity: '3', locations: [bare] }));
        expect(made[0].lines.map((l) => [l.label, l.value])).toEqual([
            ['Figure pushed', '3'], ['Last pushed', '-'], ['Status', 'Never synced']]);
        expect(made[1].lines).toEqual([{ label: 'Figure pushed, all locations', value: '3' }]);
    });

    it('names the new default mode', () => {
        expect(quantityLines(partRow(), { quantity_basis: 'available_after_open_orders' })[0].value)
            .toBe('available after open orders (in stock less every open sales order)');
    });
});
