import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** One message the sink accepted: the SMTP envelope and the message as `mailparser` read it. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
  /** Shortcuts into `parsed`. */
  messageId: string | undefined;
  subject: string | undefined;
  text: string | undefined;
  html: string | false | undefined;
}

export type RefusalPhase = 'mail' | 'rcpt' | 'data';

/**
 * A real SMTP server on 127.0.0.1 (port 0, so suites never collide) that records every message it
 * accepts, parsed by `mailparser`. No TLS and no AUTH: point an app at it with
 * `SMTP_URL: \`smtp://127.0.0.1:${sink.port}\``.
 *
 * `refuseNext(n, code)` answers the next `n` attempts with that SMTP code (4xx = try again later,
 * 5xx = permanent), at RCPT TO by default — how a greylisting or a rejecting server looks to a client.
 * Wait for mail with `waitFor(() => sink.messages.length === 1)` (test/support/wait.ts); `close()` in
 * afterAll.
 *
 * @example
 * const sink = await startSmtpSink();
 * sink.refuseNext(1, 451);
 * // … the app sends, retries …
 * await waitFor(() => sink.messages.length === 1, 10_000, 'the retried message');
 * expect(sink.refused).toBe(1);
 * await sink.close();
 */
export interface SmtpSink {
  port: number;
  /** Accepted messages, in arrival order (without the registration's verification e-mail unless `all`). */
  messages: ReceivedMail[];
  /**
   * The verification e-mails every registration sends (docs/AUTH.md), kept apart so that suites which
   * register users and count their own messages do not see them. `startSmtpSink({ all: true })` keeps
   * them in `messages`.
   */
  verificationMessages: ReceivedMail[];
  /** Attempts refused by `refuseNext` so far. */
  refused: number;
  refuseNext(count: number, code: number, phase?: RefusalPhase): void;
  /** Forgets the messages received so far (and the refusal count). */
  clear(): void;
  close(): Promise<void>;
}

function refusal(code: number): Error & { responseCode: number } {
  const kind = code >= 500 ? 'permanently refused' : 'try again later';
  return Object.assign(new Error(`test sink: ${kind}`), { responseCode: code });
}

/** The subject of the verification e-mail a registration sends (en, zh-CN). */
const VERIFICATION_SUBJECTS = new Set(['Confirm your e-mail address', '请确认您的邮箱地址']);

export async function startSmtpSink(options: { all?: boolean } = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const verificationMessages: ReceivedMail[] = [];
  let pending = { count: 0, code: 451, phase: 'rcpt' as RefusalPhase };
  const sink = { refused: 0 };

  // True (and counted) when this attempt is to be refused at `phase`.
  const refuseAt = (phase: RefusalPhase): boolean => {
    if (pending.count <= 0 || pending.phase !== phase) return false;
    pending.count--;
    sink.refused++;
    return true;
  };

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, done: (e?: Error) => void) => {
    simpleParser(stream)
      .then((parsed) => {
        if (refuseAt('data')) return done(refusal(pending.code));
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const mail = {
          envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) },
          parsed,
          messageId: parsed.messageId,
          subject: parsed.subject,
          text: parsed.text,
          html: parsed.html,
        };
        const verification = !options.all && VERIFICATION_SUBJECTS.has(parsed.subject ?? '');
        (verification ? verificationMessages : messages).push(mail);
        done();
      })
      .catch((err: Error) => done(err));
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onMailFrom: (_address, _session, done) => done(refuseAt('mail') ? refusal(pending.code) : undefined),
    onRcptTo: (_address, _session, done) => done(refuseAt('rcpt') ? refusal(pending.code) : undefined),
    onData,
  });
  server.on('error', () => undefined);

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
  });

  return {
    port,
    messages,
    verificationMessages,
    get refused() {
      return sink.refused;
    },
    refuseNext(count, code, phase = 'rcpt') {
      pending = { count, code, phase };
    },
    clear() {
      messages.length = 0;
      verificationMessages.length = 0;
      sink.refused = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
