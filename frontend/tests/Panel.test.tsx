// @vitest-environment jsdom
import React from 'react';
import { MantineProvider } from '@mantine/core';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { renderPanel } from '../src/Panel';
import type { PluginApi, PluginContext, StatusPayload } from '../src/types';
import { partRow } from './rows';

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
});
