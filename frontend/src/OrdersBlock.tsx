/**
 * The panel's "Orders" block: the shop's order import at a glance (last order seen,
 * imported, needing attention with the problem lines, the last error, what a dry run would
 * import), the CSV of the orders needing attention, and "Register webhook".
 */
import React, { useCallback, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, List, Stack, Text, Title } from '@mantine/core';

import { absoluteUrl, type Outcome } from './logic';
import { attentionItems, importState, orderLines, registerFailure, registerOutcome, wouldImportLines } from './orders';
import type { OrdersStatus, PluginApi, RegisterPayload } from './types';
import { LinesTable, OutcomeAlert } from './widgets';

export interface OrdersBlockProps {
    orders: OrdersStatus;
    api: PluginApi;
    host?: string;
    locale?: string;
    /** This part's SKU: held orders naming it are listed first. */
    sku?: string | null;
    /** Reload the status (after a registration, to show it). */
    reload: () => void;
}

export function OrdersBlock({ orders, api, host, locale, sku, reload }: OrdersBlockProps) {
    const [registering, setRegistering] = useState(false);
    const [registerResult, setRegisterResult] = useState<Outcome | null>(null);

    const registerWebhook = useCallback(() => {
        if (!orders.register_webhook_url) {
            return;
        }
        setRegistering(true);
        setRegisterResult(null);
        api.post<RegisterPayload>(orders.register_webhook_url, {})
            .then((response) => {
                setRegisterResult(registerOutcome(response.data));
                reload();
            })
            .catch((error) => setRegisterResult(registerFailure(error)))
            .finally(() => setRegistering(false));
    }, [api, orders.register_webhook_url, reload]);

    const state = importState(orders);
    const attention = attentionItems(orders, sku);
    const wouldImport = orders.dry_run ? wouldImportLines(orders) : [];
    return (
        <Stack gap='xs'>
            <Group gap='sm'>
                <Title order={5}>Orders</Title>
                <Badge color={state.color} variant='light'>{state.label}</Badge>
            </Group>
            <LinesTable lines={orderLines(orders, locale)} />
            {orders.last_error && (
                <Alert color='red' title='Last order import error'>{orders.last_error}</Alert>
            )}
            {attention.items.length > 0 && (
                <Alert color='orange' title='Orders needing attention'>
                    <Stack gap={4}>
                        {attention.items.map((item) => (
                            <div key={item.key}>
                                <Text size='sm' fw={item.thisPart ? 700 : 500}>{item.title}</Text>
                                <List size='sm'>
                                    {item.lines.map((line, index) => <List.Item key={index}>{line}</List.Item>)}
                                </List>
                            </div>
                        ))}
                        {attention.more > 0 && <Text size='sm'>and {attention.more} more (see the CSV)</Text>}
                    </Stack>
                </Alert>
            )}
            {wouldImport.length > 0 && (
                <Alert color='blue' title='Dry run: would import'>
                    <List size='sm'>
                        {wouldImport.map((line, index) => <List.Item key={index}>{line}</List.Item>)}
                    </List>
                </Alert>
            )}
            <Group gap='sm'>
                {orders.register_webhook_url && (
                    <Button variant='outline' onClick={registerWebhook} loading={registering}>Register webhook</Button>
                )}
                <Anchor href={absoluteUrl(orders.csv_url, host)} size='sm'>Orders needing attention (CSV)</Anchor>
            </Group>
            {registerResult && <OutcomeAlert outcome={registerResult} onClose={() => setRegisterResult(null)} />}
        </Stack>
    );
}
