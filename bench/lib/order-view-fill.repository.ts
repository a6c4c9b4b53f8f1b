import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { withRawPool } from './events-table.repository';

/** Orders per customer in the filled read model: about 10, whatever the size, as real customers have. */
const POSITIONS_PER_CUSTOMER = 25;

/**
 * Fills `order_view` from the generated `events` in one INSERT … SELECT, as the projection would have
 * left it (status from each stream's last event, lines, total and times from its events), instead of
 * projecting event by event. One difference, on purpose: the generator gives every order the same
 * customer, so here each customer gets the orders of `POSITIONS_PER_CUSTOMER` consecutive positions
 * (about ten), and a customer's order list stays the same length at every size.
 * @returns the rows written.
 */
export const fillOrderViewFromEvents = (url: string): Promise<number> =>
  withRawPool(url, 1, async (pool) => {
    const [result] = await pool.query<ResultSetHeader>(
      `insert into order_view (order_id, customer_id, email, status, \`lines\`, total, created_at, updated_at, version)
       select json_value(placed.data, '$.orderId'),
              concat('bench-customer-', placed.global_position div ${POSITIONS_PER_CUSTOMER}),
              json_value(placed.data, '$.email'),
              case last.event_type
                when 'OrderPlaced' then 'pending' when 'OrderAccepted' then 'accepted' when 'OrderDelivered' then 'delivered'
                when 'OrderCancelled' then 'cancelled' when 'OrderRejected' then 'rejected' end,
              json_query(placed.data, '$.lines'),
              json_value(placed.data, '$.total'),
              placed.recorded_at,
              last.recorded_at,
              streams.version
       from streams
       join events placed on placed.stream_id = streams.stream_id and placed.stream_version = 1
       join events last on last.stream_id = streams.stream_id and last.stream_version = streams.version`,
    );
    // Fresh statistics, so the optimizer picks the list indexes as it would on a table that grew slowly.
    await pool.query('analyze table order_view, events, streams');
    return result.affectedRows;
  });

/** `count` order ids picked at random from the read model. */
export const sampleOrderIds = (url: string, count: number): Promise<string[]> =>
  withRawPool(url, 1, async (pool) => {
    const [rows] = await pool.query<RowDataPacket[]>('select order_id from order_view order by rand() limit ?', [count]);
    return rows.map((row) => String(row.order_id));
  });

/** The owner of an order in the read model. */
export const customerOf = (url: string, orderId: string): Promise<string> =>
  withRawPool(url, 1, async (pool) => {
    const [rows] = await pool.query<RowDataPacket[]>('select customer_id from order_view where order_id = ?', [orderId]);
    const customerId = rows[0]?.customer_id;
    if (typeof customerId !== 'string') throw new Error(`order ${orderId} is not in the read model`);
    return customerId;
  });
