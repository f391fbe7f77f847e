import { Command, InvalidArgumentError, Option } from 'commander';
import { EposdClient, addressOf, isFinal, newUti, type Acknowledgement, type FinalStatus, type ListFilters, type PrintLine, type ReceiptLine, type StatusName } from '../client';
import { metaArg, orderFrom, orderOptions, type OrderFlags } from './order-options';
import { MDNS_PORT } from '../discovery/mdns-network';
import { VERSION } from '../shared/version';
import { amountWithItems, voidItems } from './line-items';
import { MONEY_FLAGS_OF, moneyFields, withMoneyFlags, type MoneyFlags } from './money-flags';
import { discover } from './discover';
import { EXIT, outcomeExitCode } from './exit-codes';
import { pairCommand, pairedMessage, type PairCommandOptions } from './pair';
import { runPayment } from './payment';
import { outcomeLine, renderBatch, renderList, renderReceipt, renderStatus } from './render';
import { say, sayJson } from './output';
import { addScreenCommands } from './screen-commands';

interface Globals {
  terminal?: string;
  config?: string;
  json?: boolean;
}

interface PaymentFlags extends MoneyFlags, OrderFlags {
  minor?: boolean;
  reference?: string;
  print: boolean;
  receipt: 'cardholder' | 'merchant' | 'none';
}

const STATUSES = ['IN_PROGRESS', 'APPROVED', 'DECLINED', 'CANCELLED', 'TIMED_OUT', 'FAILED'];

const integerArg = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return Number(value);
};

const out = (text: string) => say(process.stdout, text);
const json = (value: unknown) => sayJson(process.stdout, value);
/** A receipt: renderReceipt makes its texts printable itself and adds its own bold on a terminal. */
const outReceipt = (lines: ReceiptLine[]) => process.stdout.write(`${renderReceipt(lines, process.stdout.isTTY)}\n`);

/** The command line. Each action answers its exit code through `exit`. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('eposd-pos')
    .description('Pair with an eposd terminal and take payments from the command line.')
    .version(VERSION)
    .option('-t, --terminal <host:port|tid>', 'which paired terminal (default: the last one paired)')
    .option('--config <file>', 'the terminals file (default: $EPOSD_POS_CONFIG or ~/.config/eposd-pos/terminals.json)')
    .option('--json', 'print JSON for scripts, and no progress')
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nAmounts are in major units with a dot, like 12.50; with --minor, in minor units, like 1250;\n' +
        '"auto" charges the total of the --item lines (see a payment\'s --help, e.g. eposd-pos sale --help).\n' +
        'Exit codes: 0 approved (or done), 1 usage or other error, 2 declined, 3 cancelled or timed out,\n' +
        '4 failed, 5 the terminal presented a different key from the one pinned at pairing (nothing was sent).',
    );

  const globals = (cmd: Command) => cmd.optsWithGlobals<Globals>();
  const clientFor = (cmd: Command) => new EposdClient({ configPath: globals(cmd).config, terminal: globals(cmd).terminal });

  const finishPayment = (cmd: Command, final: FinalStatus, receipt: PaymentFlags['receipt']) => {
    if (globals(cmd).json) json(final);
    else {
      out(outcomeLine(final));
      out(`UTI ${final.uti}`);
      const lines = receipt === 'merchant' ? final.merchantReceipt : receipt === 'cardholder' ? final.cardholderReceipt : [];
      if (lines.length > 0) outReceipt(lines);
    }
    exit(outcomeExitCode(final.status));
  };

  const pay = async (cmd: Command, client: EposdClient, uti: string | undefined, begin: () => Promise<Acknowledgement>, flags: PaymentFlags) => {
    const quiet = Boolean(globals(cmd).json);
    if (uti && !quiet) say(process.stderr, `${addressOf(client.terminal)} · UTI ${uti}`);
    const final = await runPayment(client, { uti, begin, showProgress: !quiet });
    finishPayment(cmd, final, flags.receipt);
  };

  const paymentOptions = (cmd: Command) =>
    orderOptions(cmd)
      .option('--minor', 'the amount is in minor units (1250 for 12.50)')
      .option('-r, --reference <reference>', 'your reference, 1-36 of A-Z a-z 0-9 -')
      .option('--no-print', 'do not print receipts on the terminal')
      .addOption(new Option('--receipt <copy>', 'which receipt to show here').choices(['cardholder', 'merchant', 'none']).default('cardholder'));

  program
    .command('discover')
    .description('list the terminals that announce themselves on the local network (mDNS)')
    .option('--seconds <n>', 'how long to listen', integerArg(1, 60), 3)
    .option('--interface <ipv4>', 'listen on this interface only (e.g. 127.0.0.1)')
    .option('--mdns-port <port>', 'mDNS port', integerArg(1, 65535), MDNS_PORT)
    .action(async (o: { seconds: number; interface?: string; mdnsPort: number }, cmd: Command) => {
      await discover({ seconds: o.seconds, network: { interface: o.interface, port: o.mdnsPort }, store: clientFor(cmd).store, json: Boolean(globals(cmd).json) });
      exit(EXIT.OK);
    });

  program
    .command('pair')
    .description('pair with a terminal using the code on its screen, and pin its certificate key')
    .option('--host <address>', "the terminal's IP address or name, optionally with its port (192.168.1.50:8443)")
    .option('--relay <url>', 'pair through an eposd-relay gateway instead (https://relay.example.com:9443), with --tid')
    .option('--tid <tid>', "the terminal's TID, with --relay")
    .option('--api-key <key>', "your POS platform's key at the gateway (default: $EPOSD_RELAY_API_KEY)")
    .option('--port <port>', "the terminal's API port (default: the one in --host, else 8443)", integerArg(1, 65535))
    .requiredOption('--code <digits>', 'the 6-digit pairing code on the terminal screen')
    .option('--register-id <id>', "this POS's register id (default: one the terminal makes up)")
    .option('--name <name>', "this POS's name, shown on the terminal")
    .option('--callback-url <url>', 'where the terminal POSTs each final outcome (webhooks)')
    .option('--fingerprint <sha256>', 'send the code only to a terminal presenting this key (from its screen or from discover)')
    .option('--accept-new-key', 'replace the key pinned for this address (after checking the screen)')
    .option('-y, --yes', 'pin the key the terminal presents without asking (needed without a terminal, unless --fingerprint)')
    .action(async (o: PairCommandOptions, cmd: Command) => {
      const t = await pairCommand(clientFor(cmd), o);
      if (globals(cmd).json) json({ host: t.host, port: t.port, tid: t.tid, serialNumber: t.serialNumber, registerId: t.registerId, fingerprint: t.fingerprint });
      else out(pairedMessage(t, o.fingerprint !== undefined || !o.yes));
      exit(EXIT.OK);
    });

  program
    .command('terminals')
    .description('list the paired terminals')
    .action((_o: unknown, cmd: Command) => {
      const store = clientFor(cmd).store;
      const list = store.list().map(({ authToken: _t, webhookSecret: _w, ...t }) => t);
      if (globals(cmd).json) json(list);
      else out(list.length === 0 ? 'No terminal is paired.' : list.map((t) => `${addressOf(t)}  TID ${t.tid}  serial ${t.serialNumber}  register ${t.registerId}  paired ${t.pairedAt}`).join('\n'));
      exit(EXIT.OK);
    });

  for (const [name, type] of [
    ['sale', 'SALE'],
    ['refund', 'REFUND'],
    ['preauth', 'PREAUTH'],
  ] as const) {
    const command = withMoneyFlags(paymentOptions(program.command(`${name} <amount>`).description(`take a ${type} on the terminal and wait for its outcome`)), MONEY_FLAGS_OF[name]!);
    command.action(async (amountText: string, o: PaymentFlags, cmd: Command) => {
      const { amount, lineItems } = amountWithItems(amountText, o);
      const client = clientFor(cmd);
      const uti = newUti();
      const options = { uti, reference: o.reference, disablePrinting: !o.print, ...moneyFields(o), ...orderFrom(o), lineItems };
      const begin = () => (type === 'SALE' ? client.sale(amount, options) : type === 'REFUND' ? client.refund(amount, options) : client.preauth(amount, options));
      await pay(cmd, client, uti, begin, o);
    });
  }

  withMoneyFlags(
    paymentOptions(program.command('complete <uti> <amount>').description('complete a pre-authorisation (at most its amount, raised by its increments)')),
    MONEY_FLAGS_OF.complete!,
  ).action(async (uti: string, amountText: string, o: PaymentFlags, cmd: Command) => {
    const { amount, lineItems } = amountWithItems(amountText, o);
    const client = clientFor(cmd);
    await pay(cmd, client, undefined, () => client.complete(uti, amount, { reference: o.reference, disablePrinting: !o.print, ...moneyFields(o), ...orderFrom(o), lineItems }), o);
  });

  withMoneyFlags(paymentOptions(program.command('increment <uti> <amount>').description('raise an open pre-authorisation by the amount (no card)')), MONEY_FLAGS_OF.increment!).action(
    async (preauthUti: string, amountText: string, o: PaymentFlags, cmd: Command) => {
      const { amount, lineItems } = amountWithItems(amountText, o);
      const client = clientFor(cmd);
      const uti = newUti();
      await pay(cmd, client, uti, () => client.increment(preauthUti, amount, { uti, reference: o.reference, disablePrinting: !o.print, ...moneyFields(o), ...orderFrom(o), lineItems }), o);
    },
  );

  orderOptions(program.command('void <uti>').description('void (reverse) an unsettled transaction; --item lines add up to its amount, in its currency'))
    .option('--minor', 'the --item amounts are in minor units')
    .option('-r, --reference <reference>', 'your reference')
    .option('--no-print', 'do not print receipts on the terminal')
    .addOption(new Option('--receipt <copy>', 'which receipt to show here').choices(['cardholder', 'merchant', 'none']).default('cardholder'))
    .action(async (uti: string, o: PaymentFlags, cmd: Command) => {
      const client = clientFor(cmd);
      // The void takes back the original's amount in its currency: the items are read and checked against it.
      const lineItems = o.item ? voidItems(o.item, o.minor, await client.status(uti)) : undefined;
      await pay(cmd, client, undefined, () => client.void(uti, { reference: o.reference, disablePrinting: !o.print, ...orderFrom(o), lineItems }), o);
    });

  program
    .command('status <uti>')
    .description("a transaction's status; with --wait, wait for its outcome and exit with its code")
    .option('--wait', 'wait until the outcome is final')
    .action(async (uti: string, o: { wait?: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const s = o.wait ? await client.waitForOutcome(uti) : await client.status(uti);
      if (globals(cmd).json) json(s);
      else out(renderStatus(s));
      exit(o.wait && isFinal(s) ? outcomeExitCode(s.status) : EXIT.OK);
    });

  program
    .command('cancel <uti>')
    .description('cancel a payment this POS started, while the terminal waits for a card or PIN')
    .action(async (uti: string, _o: unknown, cmd: Command) => {
      const s = await clientFor(cmd).cancel(uti);
      if (globals(cmd).json) json(s);
      else out(renderStatus(s));
      exit(EXIT.OK);
    });

  program
    .command('list')
    .description('find transactions, newest first')
    .option('-r, --reference <reference>', 'with this reference')
    .addOption(new Option('--status <status>', 'with this status').choices(STATUSES))
    .addOption(new Option('--type <type>', 'of this type').choices(['SALE', 'REFUND', 'PREAUTH', 'COMPLETION', 'REVERSAL']))
    .option('--from <iso>', 'created at or after (ISO 8601)')
    .option('--to <iso>', 'created before (ISO 8601)')
    .option('--limit <n>', 'at most this many', integerArg(1, 100), 20)
    .option('--meta <key=value>', 'whose metadata has this pair (repeat: all of them)', metaArg)
    .action(async (o: { reference?: string; status?: StatusName; type?: ListFilters['type']; from?: string; to?: string; limit: number; meta?: Record<string, string> }, cmd: Command) => {
      const { meta, ...filters } = o;
      const page = await clientFor(cmd).list({ ...filters, ...(meta ? { metadata: meta } : {}) });
      if (globals(cmd).json) json(page);
      else out(renderList(page.transactions));
      exit(EXIT.OK);
    });

  program
    .command('settle')
    .description('close the batch (end of day) and show its totals')
    .option('--totals', 'only show the open batch, do not close it')
    .action(async (o: { totals?: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const batch = o.totals ? await client.settlement() : await client.settle();
      if (globals(cmd).json) json(batch);
      else out(renderBatch(batch));
      exit(EXIT.OK);
    });

  program
    .command('receipt <uti>')
    .description("show a transaction's receipt; with --print, print a copy on the terminal")
    .addOption(new Option('--copy <copy>', 'which copy').choices(['cardholder', 'merchant']).default('cardholder'))
    .option('--print', 'print it again on the terminal (marked DUPLICATE)')
    .action(async (uti: string, o: { copy: 'cardholder' | 'merchant'; print?: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const s = await client.status(uti);
      if (!isFinal(s)) {
        out(renderStatus(s));
        exit(EXIT.ERROR);
        return;
      }
      const lines = o.copy === 'merchant' ? s.merchantReceipt : s.cardholderReceipt;
      const printed = o.print ? await client.reprint(uti, o.copy) : undefined;
      if (globals(cmd).json) json({ uti, copy: o.copy, receipt: lines, ...(printed ? { printed: printed.printed } : {}) });
      else {
        if (lines.length > 0) outReceipt(lines);
        else out(`A ${s.status} transaction has no receipt.`);
        if (printed) out(`Printed a ${o.copy} copy on the terminal.`);
      }
      exit(EXIT.OK);
    });

  program
    .command('print <lines...>')
    .description('print your own lines on the terminal (a kitchen ticket, a voucher): one argument a line, at most 48 characters')
    .addOption(new Option('--align <align>', 'alignment of every line').choices(['LEFT', 'CENTER', 'RIGHT']).default('LEFT'))
    .addOption(new Option('--style <style>', 'style of every line').choices(['NORMAL', 'BOLD', 'LARGE']).default('NORMAL'))
    .action(async (lines: string[], o: { align: PrintLine[1]; style: PrintLine[2] }, cmd: Command) => {
      const answer = await clientFor(cmd).printLines(lines.map((text): PrintLine => [text, o.align, o.style]));
      if (globals(cmd).json) json(answer);
      else out(`Printed ${answer.lines} line${answer.lines === 1 ? '' : 's'} on the terminal.`);
      exit(EXIT.OK);
    });

  addScreenCommands(program, { clientFor, asJson: (cmd) => Boolean(globals(cmd).json), out, json, exit });

  return program;
}
