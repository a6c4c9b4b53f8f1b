import type { Money, OrderLine, OrderStatus } from '@delivery/events';
import { Body, Column, Container, Head, Heading, Hr, Html, Link, Preview, Row, Section, Text } from '@react-email/components';
import { render, toPlainText } from '@react-email/render';

export interface OrderConfirmationEmailProps {
  orderId: string;
  lines: readonly OrderLine[];
  total: Money;
  status: OrderStatus;
  /** Where the customer follows the order: `${PUBLIC_URL}/orders/<id>`. */
  orderUrl: string;
}

const page = { backgroundColor: '#f6f6f6', fontFamily: 'Helvetica, Arial, sans-serif', color: '#222222' };
const card = { backgroundColor: '#ffffff', padding: '24px', margin: '24px auto', maxWidth: '560px' };
const muted = { color: '#666666', fontSize: '13px' };
const amount = { textAlign: 'right' as const };

export function OrderConfirmationEmail({ orderId, lines, total, status, orderUrl }: OrderConfirmationEmailProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{confirmationPreviewText(orderId, total)}</Preview>
      <Body style={page}>
        <Container style={card}>
          <Heading as="h1">Thank you for your order</Heading>
          <Text>
            Order <strong>{orderId}</strong> — status: <strong>{status}</strong>
          </Text>
          <Section>
            {lines.map((line) => (
              <Row key={`${line.kind}-${line.itemId}`}>
                <Column>
                  {line.quantity} × {line.name}
                  <br />
                  <span style={muted}>${line.unitPrice} each</span>
                </Column>
                <Column style={amount}>${line.lineTotal}</Column>
              </Row>
            ))}
          </Section>
          <Hr />
          <Row>
            <Column>
              <strong>Total</strong>
            </Column>
            <Column style={amount}>
              <strong>${total}</strong>
            </Column>
          </Row>
          <Text>
            Follow your order: <Link href={orderUrl}>{orderUrl}</Link>
          </Text>
          <Text style={muted}>You receive this email because an order was placed with this address.</Text>
        </Container>
      </Body>
    </Html>
  );
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** The line inbox lists show beside the subject. */
export function confirmationPreviewText(orderId: string, total: Money): string {
  return `Your order ${orderId} is confirmed — total $${total}`;
}

export function confirmationSubject(orderId: string): string {
  return `Order confirmed: ${orderId}`;
}

/**
 * Renders the confirmation email with React Email, to HTML and to plain text (for clients that show no HTML):
 * what the customer receives. The email worker sends the same bytes from a compiled template
 * (`createOrderConfirmationRenderer`), which renders this once instead of once per message.
 * @example const { subject, html, text } = await renderOrderConfirmationEmail({ orderId, lines, total, status: 'pending', orderUrl });
 */
export async function renderOrderConfirmationEmail(props: OrderConfirmationEmailProps): Promise<RenderedEmail> {
  const html = await render(<OrderConfirmationEmail {...props} />);
  // The text comes from the HTML, as `render(..., { plainText: true })` would make it, without rendering twice.
  const text = toPlainText(html);
  return { subject: confirmationSubject(props.orderId), html, text };
}

/** The customer's page for an order, under the public URL whatever its trailing slash. */
export function orderUrlFor(publicUrl: string, orderId: string): string {
  return new URL(`orders/${encodeURIComponent(orderId)}`, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
}
