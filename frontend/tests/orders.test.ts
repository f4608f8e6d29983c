import { describe, expect, it } from 'vitest';

import {
    attentionItems,
    importState,
    orderLines,
    registerFailure,
    registerOutcome,
    SHOWN,
    wouldImportLines,
} from '../src/orders';
import { held, ordersStatus } from './rows';

describe('the orders table', () => {
    it('shows the last order seen, imported, needing attention, and whether a webhook is registered', () => {
        const lines = orderLines(ordersStatus({
            last_seen: { id: '502', number: 'W502', modified: 'not a time' }, imported: 12,
            needs_attention: [held('502')], needs_attention_count: 1,
            webhook_registration: { at: 'later', delivery_url: 'https://inv/plugin/w/webhook/', webhooks: [] },
        }));
        expect(lines.map((l) => [l.label, l.value])).toEqual([
            ['Last order seen', 'W502 (changed not a time)'],
            ['Orders imported', '12'],
            ['Needing attention', '1'],
            ['Last poll', '-'],
            ['Last audit', '-'],
            ['Webhook', 'registered later'],
        ]);
    });

    it('says when nothing was seen yet, and how a shop without webhooks is read', () => {
        const lines = orderLines(ordersStatus({ webhook: null, register_webhook_url: null }));
        expect(lines[0].value).toBe('-');
        expect(lines.find((l) => l.label === 'Webhook')?.value).toBe('none: orders are polled');
        expect(orderLines(ordersStatus()).find((l) => l.label === 'Webhook')?.value)
            .toBe('not registered by this plugin (polling still runs)');
    });

    it('names the import state: off, dry run, importing', () => {
        expect(importState(ordersStatus({ import_enabled: false })).label).toBe('Import off');
        expect(importState(ordersStatus({ dry_run: true })).label).toBe('Dry run');
        expect(importState(ordersStatus()).color).toBe('green');
    });
});

describe('orders needing attention', () => {
    it('lists each held order with its problem lines and a flag as its own line', () => {
        const flagged = { ...held('9', 'W9'), problems: [], flag: 'lines changed on the shop after something was shipped' };
        const { items, more } = attentionItems(ordersStatus({ needs_attention: [held('502'), flagged] }));
        expect(items[0]).toEqual({
            key: '502', title: 'Order W502 - sales order SO-0007 (held)', thisPart: false,
            lines: ["line 2 (SKU 'NO-SUCH'): no part has this SKU"],
        });
        expect(items[1].title).toBe('Order W9 - sales order SO-0007 (flagged)');
        expect(items[1].lines).toEqual(['lines changed on the shop after something was shipped']);
        expect(more).toBe(0);
    });

    it('puts the orders naming this part\'s SKU first, shows at most a few, and counts the rest', () => {
        const many = Array.from({ length: 8 }, (_, i) => held(String(i)));
        many[6] = { ...many[6], problems: ["line 1 (SKU 'W-1'): part 7 is not salable"] };
        const { items, more } = attentionItems(ordersStatus({ needs_attention: many, needs_attention_count: 30 }), 'W-1');
        expect(items).toHaveLength(SHOWN);
        expect(items[0]).toMatchObject({ key: '6', thisPart: true });
        expect(items.slice(1).every((i) => !i.thisPart)).toBe(true);
        expect(more).toBe(30 - SHOWN);
    });

    it('does not take a SKU that is only part of another for this part\'s', () => {
        const entry = { ...held('1'), problems: ["line 1 (SKU 'W-10'): no part has this SKU"] };
        expect(attentionItems(ordersStatus({ needs_attention: [entry] }), 'W-1').items[0].thisPart).toBe(false);
    });
});

describe('dry run', () => {
    it('says what each order would do, newest first, with its lines and problems', () => {
        const lines = wouldImportLines(ordersStatus({ dry_run: true, would_import: [
            { order_id: '1', number: 'W1', action: 'create', held: false, customer: 'Shop', flag: null, problems: [],
              lines: [{ sku: 'W-1', quantity: '3', part: 7 }, { sku: 'B-2', quantity: '1.5', part: 8 }] },
            { order_id: '2', number: 'W2', action: 'create', held: true, customer: 'Shop', flag: null,
              problems: ["line 2 (SKU 'X'): no part has this SKU"], lines: [{ sku: 'W-1', quantity: '1', part: 7 }] },
            { order_id: '3', number: 'W3', action: 'cancel', held: false, customer: 'Shop', flag: null, problems: [], lines: [] },
        ] }));
        expect(lines).toEqual([
            'W3: would cancel the sales order',
            "W2: would create a sales order: 1 x W-1, held: line 2 (SKU 'X'): no part has this SKU",
            'W1: would create a sales order: 3 x W-1, 1.5 x B-2',
        ]);
    });
});

describe('register webhook', () => {
    it('reports each webhook created or updated, the delivery URL, a generated secret and warnings', () => {
        const outcome = registerOutcome({
            registered: true, delivery_url: 'https://inv/plugin/w/webhook/', secret_generated: true,
            warnings: ['the delivery URL is plain http'],
            webhooks: [{ topic: 'order.created', id: 3, action: 'created' }, { topic: 'order.updated', id: 4, action: 'updated' }],
        });
        expect(outcome).toEqual({ color: 'green', title: 'Webhook registered', lines: [
            'Delivery URL: https://inv/plugin/w/webhook/',
            'order.created: created (id 3)',
            'order.updated: updated (id 4)',
            'A webhook secret was generated and stored in the plugin settings.',
            'the delivery URL is plain http',
        ] });
    });

    it('shows the shop\'s refusal and exactly what to enter by hand', () => {
        const outcome = registerOutcome({ registered: false, error: 'no write permission',
                                          instructions: 'Open WooCommerce > Settings > Advanced > Webhooks ...' });
        expect(outcome.color).toBe('yellow');
        expect(outcome.title).toBe('Set up the webhook by hand');
        expect(outcome.lines).toEqual(['no write permission', 'Open WooCommerce > Settings > Advanced > Webhooks ...']);
    });

    it('keeps the instructions of a refused request, else shows its error', () => {
        const unreachable = { response: { status: 502, data: { registered: false, error: 'could not be reached',
                                                              instructions: 'add it by hand' } } };
        expect(registerFailure(unreachable).lines).toEqual(['could not be reached', 'add it by hand']);
        const polled = { response: { status: 400, data: { registered: false, error: 'orders are read by polling' } } };
        expect(registerFailure(polled)).toEqual(
            { color: 'red', title: 'The webhook was not registered', lines: ['orders are read by polling'] });
        expect(registerFailure({ response: { status: 403, data: { detail: 'Not allowed' } } }))
            .toEqual({ color: 'red', title: 'Register webhook failed', lines: ['Not allowed'] });
    });
});
