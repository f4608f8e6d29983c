/**
 * The panel's "Target check" block: what the last target check repaired and flagged, the
 * flags waiting for the admin (Confirm writes InvenTree's figure, Dismiss leaves the
 * shop's), the latest records and the history's CSV; and what the shipments of imported
 * orders came to on the shop.
 */
import React, { useCallback, useState } from 'react';
import { Alert, Anchor, Button, Group, List, Stack, Text, Title } from '@mantine/core';

import { absoluteUrl, failureOutcome, type Outcome } from './logic';
import {
    actionOutcome,
    checkLines,
    flagText,
    historyLines,
    isOfSku,
    openFlags,
    type RepairRecord,
    type RepairsStatus,
    shipmentLines,
    type ShipmentsStatus,
} from './repairs';
import type { PluginApi } from './types';
import { LinesTable, OutcomeAlert } from './widgets';

export interface RepairsBlockProps {
    repairs: RepairsStatus;
    shipments?: ShipmentsStatus;
    api: PluginApi;
    host?: string;
    locale?: string;
    sku?: string | null;
    reload: () => void;
}

export function RepairsBlock({ repairs, shipments, api, host, locale, sku, reload }: RepairsBlockProps) {
    const [busy, setBusy] = useState<string | null>(null);
    const [result, setResult] = useState<Outcome | null>(null);

    const act = useCallback((action: 'confirm' | 'dismiss', flag: RepairRecord) => {
        setBusy(`${action}:${flag.sku}`);
        setResult(null);
        api.post<{ confirmed?: RepairRecord; dismissed?: RepairRecord }>(
            action === 'confirm' ? repairs.confirm_url : repairs.dismiss_url, { sku: flag.sku })
            .then((response) => {
                setResult(actionOutcome(action, response.data));
                reload();
            })
            .catch((error) => setResult(failureOutcome(action === 'confirm' ? 'Not written' : 'Not dismissed', error)))
            .finally(() => setBusy(null));
    }, [api, repairs.confirm_url, repairs.dismiss_url, reload]);

    const flags = openFlags(repairs, sku);
    const history = historyLines(repairs, locale);
    const shipped = shipments ? shipmentLines(shipments, locale) : [];
    return (
        <Stack gap='xs'>
            <Title order={5}>Target check</Title>
            <LinesTable lines={checkLines(repairs, locale)} />
            {flags.length > 0 && (
                <Alert color='orange' title='Repairs waiting for you (beyond the limit: not written)'>
                    <Stack gap={4}>
                        {flags.map((flag) => (
                            <Group key={flag.sku} gap='sm' justify='space-between'>
                                <Text size='sm' fw={isOfSku(flag.sku, sku) ? 700 : 500}>{flagText(flag)}</Text>
                                <Group gap='xs'>
                                    <Button size='xs' onClick={() => act('confirm', flag)}
                                            loading={busy === `confirm:${flag.sku}`}>Confirm</Button>
                                    <Button size='xs' variant='outline' onClick={() => act('dismiss', flag)}
                                            loading={busy === `dismiss:${flag.sku}`}>Dismiss</Button>
                                </Group>
                            </Group>
                        ))}
                    </Stack>
                </Alert>
            )}
            {result && <OutcomeAlert outcome={result} onClose={() => setResult(null)} />}
            {history.length > 0 && (
                <List size='sm'>{history.map((line, index) => <List.Item key={index}>{line}</List.Item>)}</List>
            )}
            <Anchor href={absoluteUrl(repairs.csv_url, host)} size='sm'>Repair history (CSV)</Anchor>
            {shipments && (
                <>
                    <Title order={5}>Shipments to the shop</Title>
                    {shipments.note && <Text size='sm'>{shipments.note}</Text>}
                    {shipments.failing > 0 && (
                        <Alert color='red' title={`${shipments.failing} shipment(s) not sent yet`}>
                            The worker retries them; the list below says why they failed.
                        </Alert>
                    )}
                    {shipped.length > 0
                        ? <List size='sm'>{shipped.map((line, index) => <List.Item key={index}>{line}</List.Item>)}</List>
                        : !shipments.note && <Text size='sm'>No shipment of an imported order yet.</Text>}
                </>
            )}
        </Stack>
    );
}
