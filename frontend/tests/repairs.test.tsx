// @vitest-environment jsdom
import React from 'react';
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { RepairsBlock } from '../src/RepairsBlock';
import { checkLines, flagText, historyLines, isOfSku, openFlags, type RepairRecord, type RepairsStatus, shipmentLines,
         type ShipmentsStatus } from '../src/repairs';

function record(overrides: Partial<RepairRecord> = {}): RepairRecord {
    return { target: 'magento', sku: 'W-1', part: 7, part_name: 'Widget', shop_had: '0', wanted: '100', set: null,
             outcome: 'flagged', at: 'T1', note: '', ...overrides };
}

function repairsStatus(overrides: Partial<RepairsStatus> = {}): RepairsStatus {
    return {
        limit: '10 units or 50 %',
        last_check: { at: 'T2', orders_stale: false, repaired: 1, flagged: 1, resolved: 0, waiting: 0 },
        open_flags: [record()], count: 2,
        recent: [record(), record({ sku: 'B-2', part_name: 'Bolt', shop_had: '17', wanted: '20', set: '20', outcome: 'repaired' })],
        csv_url: '/plugin/m/repairs.csv', confirm_url: '/plugin/m/repairs/confirm/', dismiss_url: '/plugin/m/repairs/dismiss/',
        ...overrides,
    };
}

beforeAll(() => {
    window.matchMedia ??= ((query: string) => ({
        matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
        addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
});

afterEach(cleanup);

describe('the target check lines', () => {
    it('give the limit, the last check and the size of the history', () => {
        expect(checkLines(repairsStatus()).map((l) => [l.label, l.value])).toEqual([
            ['Repaired without asking', 'up to 10 units or 50 %'],
            ['Last target check', 'T2: 1 repaired, 1 flagged, 0 waiting'],
            ['Repair history', '2 records'],
        ]);
        const stale = repairsStatus({ last_check: { at: 'T3', orders_stale: true, repaired: 0, flagged: 0, resolved: 0, waiting: 3 } });
        expect(checkLines(stale)[1].value).toBe('T3: 0 repaired, 0 flagged, 3 waiting (orders could not be read: no figure was raised)');
        expect(checkLines(repairsStatus({ last_check: null }))[1].value).toBe('no target check yet');
    });

    it('list what each record did, and this part\'s flags first', () => {
        expect(historyLines(repairsStatus())).toEqual([
            'T1 Widget (W-1): shop had 0, wanted 100 - flagged, not written',
            'T1 Bolt (B-2): shop had 17, set to 20 - repaired',
        ]);
        const flags = repairsStatus({ open_flags: [record(), record({ sku: 'B-2' })] });
        expect(openFlags(flags, 'B-2').map((f) => f.sku)).toEqual(['B-2', 'W-1']);
    });

    it('with a location map: a flag of SKU@code is this part\'s, and says the location', () => {
        const flags = repairsStatus({ open_flags: [record({ sku: 'B-2' }), record({ sku: 'W-1@src_b' }), record({ sku: 'W-12' })] });
        expect(openFlags(flags, 'W-1').map((f) => f.sku)).toEqual(['W-1@src_b', 'B-2', 'W-12']);
        expect(flagText(record({ sku: 'W-1@src_b' }))).toBe('Widget (W-1 at src_b): the shop has 0, InvenTree wants 100');
        expect([isOfSku('W-1@src_b', 'W-1'), isOfSku('W-12', 'W-1'), isOfSku('BOX@2@src_a', 'BOX@2'), isOfSku('W-1', null)])
            .toEqual([true, false, true, false]);
    });

    it('say what each shipment came to, and why one failed', () => {
        const shipments: ShipmentsStatus = { note: null, failing: 1, recent: [
            { shipment: 3, state: 'failed', attempts: 2, error: 'HTTP 503', retry_at: null, sales_order_reference: 'SO-3', shipment_reference: '1' },
            { shipment: 2, state: 'shipped', message: 'Magento shipment 9 created', sales_order_reference: 'SO-2', shipment_reference: '1' },
        ] };
        expect(shipmentLines(shipments)).toEqual([
            'SO-3 shipment 1: failed (attempt 2): HTTP 503; not retried any more',
            'SO-2 shipment 1: sent to the shop (Magento shipment 9 created)',
        ]);
    });
});

describe('the target check block', () => {
    it('confirms a flag by its SKU, shows the outcome and reloads', async () => {
        const api = { get: vi.fn(), post: vi.fn().mockResolvedValue({ data: { confirmed: record({ set: '100', outcome: 'confirmed' }) } }) };
        const reload = vi.fn();
        render(<MantineProvider><RepairsBlock repairs={repairsStatus()} api={api} sku='W-1' reload={reload} /></MantineProvider>);
        expect(screen.getByText('Widget (W-1): the shop has 0, InvenTree wants 100')).toBeTruthy();
        expect(screen.getByText('Repair history (CSV)').closest('a')?.getAttribute('href')).toBe('/plugin/m/repairs.csv');
        fireEvent.click(screen.getByRole('button', { name: 'Confirm' }));
        expect(await screen.findByText('Repair written')).toBeTruthy();
        expect(api.post).toHaveBeenCalledWith('/plugin/m/repairs/confirm/', { sku: 'W-1' });
        expect(reload).toHaveBeenCalled();
    });

    it('shows why a dismissal failed, and what the shipments came to', async () => {
        const api = { get: vi.fn(), post: vi.fn().mockRejectedValue({ response: { status: 404, data: { error: "no flagged repair of SKU 'W-1' is open" } } }) };
        const shipments: ShipmentsStatus = { note: 'Invoice Ninja has no shipments', failing: 0, recent: [] };
        render(<MantineProvider><RepairsBlock repairs={repairsStatus()} shipments={shipments} api={api} reload={vi.fn()} /></MantineProvider>);
        expect(screen.getByText('Invoice Ninja has no shipments')).toBeTruthy();
        fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
        expect(await screen.findByText("no flagged repair of SKU 'W-1' is open")).toBeTruthy();
        expect(api.post).toHaveBeenCalledWith('/plugin/m/repairs/dismiss/', { sku: 'W-1' });
    });
});

describe('the part panel', () => {
    it('shows the target check block when the status has a repair history', async () => {
        const { renderPanel } = await import('../src/Panel');
        const { partRow } = await import('./rows');
        const status = { dry_run: false, last_error: null, warnings: [], parts: [partRow()], repairs: repairsStatus(),
                         shipments: { note: null, failing: 0, recent: [] } };
        const api = { get: vi.fn().mockResolvedValue({ data: status }), post: vi.fn() };
        const urls = { target: 'Magento stock sync', status_url: '/s/', sync_url: '/y/', csv_url: '/c', check_url: '/k/' };
        render(<MantineProvider>{renderPanel({ api, id: 7, host: '', context: urls })}</MantineProvider>);
        expect(await screen.findByText('Target check')).toBeTruthy();
        expect(screen.getByText('Shipments to the shop')).toBeTruthy();
        expect(screen.getByText('No shipment of an imported order yet.')).toBeTruthy();
    });
});
