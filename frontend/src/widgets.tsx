/** Small pieces both blocks of the panel use. */
import React from 'react';
import { Alert, Table, Text } from '@mantine/core';

import type { Line, Outcome } from './logic';

export function OutcomeAlert({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
    return (
        <Alert color={outcome.color} title={outcome.title} withCloseButton onClose={onClose}>
            {outcome.lines.map((line, index) => (
                <Text size='sm' key={index}>{line}</Text>
            ))}
        </Alert>
    );
}

export function LinesTable({ lines, children }: { lines: Line[]; children?: React.ReactNode }) {
    return (
        <Table striped withTableBorder withColumnBorders>
            <Table.Tbody>
                {children}
                {lines.map((line, index) => (
                    <Table.Tr key={`${index}:${line.label}`}>
                        <Table.Th w='30%'>{line.label}</Table.Th>
                        <Table.Td>{line.value}</Table.Td>
                    </Table.Tr>
                ))}
            </Table.Tbody>
        </Table>
    );
}
