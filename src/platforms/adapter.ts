/**
 * A messaging platform, as the rest of zhibu sees it: one adapter per folder under src/platforms/.
 * Everything a platform means by its JSON, error codes, limits and ids stays behind this interface;
 * the HTTP app, /healthz, the scheduler, the card refresher and both entries loop over the adapters.
 */
import type { Hono } from "hono";
import type { EnvRecord } from "../config-env.ts";
import type { BackgroundRunner } from "../lib/background.ts";
import type { Logger } from "../lib/logger.ts";
import type {
  CardActionResponse,
  IdentityKind,
  InboundEvent,
  PlatformClient,
  PlatformName,
} from "./types.ts";

/** What addressing a person on a platform takes: its name and the id kind it sends to. */
export interface Addressing {
  readonly name: PlatformName;
  readonly identityKind: IdentityKind;
}

export interface PlatformLimits {
  /** Messages a second the whole app may send (the outbox keeps a margin under it). */
  messagesPerSecond: number;
  /** Least gap between two messages to one chat or person. */
  targetIntervalMs: number;
  /** Updates a second one card may take. */
  cardUpdatesPerSecond: number;
  /** Of the app's calls a second, what live cards (sign-in counts) may use; the rest is for messages. */
  liveCardCallsPerSecond: number;
  /** Largest rendered card the platform accepts, in bytes of its JSON. */
  maxCardBytes: number;
  /**
   * How long the platform waits for a click's answer, when shorter than the bot's usual budget
   * (DingTalk: 2 s); a click is then stored and told “已收到” in time.
   */
  cardAnswerMs?: number;
}

/** Where verified inbound events go: the event router. */
export interface InboundSink {
  /**
   * Messages and joins: resolves once the event is stored durably (a redelivery is recognised), and only
   * then may the platform be answered; rejects when it could not be stored — answer so that the platform
   * delivers it again (HTTP 5xx).
   */
  accept(event: Extract<InboundEvent, { type: "message" | "bot_added" }>): Promise<void>;
  /** Card clicks and form submissions: the answer goes back to the platform. */
  handleCardAction(event: Extract<InboundEvent, { type: "card_action" }>): Promise<CardActionResponse>;
}

/**
 * How events reach the bot: webhooks mounted on the HTTP app, or a connection the adapter keeps open
 * itself (DingTalk Stream). Either or both.
 */
export interface PlatformReceiver {
  routes?(app: Hono, sink: InboundSink): void;
  start?(sink: InboundSink): Promise<void>;
  stop?(): Promise<void>;
}

export interface PlatformAdapter {
  readonly name: PlatformName;
  /** As users see it: 飞书, 钉钉. */
  readonly label: string;
  /** The id kind that addresses a person for private messages (Feishu open_id, DingTalk staffId). */
  readonly identityKind: IdentityKind;
  /** The bot's display name in chats, as people @-mention it. */
  readonly botName: string;
  readonly limits: PlatformLimits;
  readonly client: PlatformClient;
  readonly receiver: PlatformReceiver;
  /** One line for the start-up log. */
  describe(): string;
}

export interface AdapterDeps {
  logger: Logger;
  background: BackgroundRunner;
  /** The business clock; request signatures are always checked against wall time. */
  now?: () => Date;
  /** Where a platform with a monthly API quota (DingTalk) counts the calls that use it. */
  apiUsage?: ApiUsageSink;
}

/** Counts API calls against a platform's monthly quota; never throws, never waits. */
export interface ApiUsageSink {
  record(platform: PlatformName, at: Date): void;
}

/**
 * A platform before it is configured: reads its own variables from the environment (pure) and builds
 * its adapter. `create` may load the platform's SDK lazily, so an unconfigured platform costs nothing.
 */
export interface PlatformDefinition<S = unknown> {
  readonly name: PlatformName;
  readonly label: string;
  /** As the adapter's: lets offline tools (the CLI) address people without building an adapter. */
  readonly identityKind: IdentityKind;
  /**
   * `settings` when configured; `problems` name the variable to fix. `others`: the platforms configured
   * before this one in the registry (the local console steps aside for real ones).
   */
  readConfig(env: EnvRecord, others?: readonly PlatformName[]): { settings?: S; problems: string[] };
  /** When it is the only platform, the server listens on 127.0.0.1 unless HOST says otherwise. */
  readonly loopbackByDefault?: boolean;
  /** Looks people up by mobile or email, for rosters that give no platform ids (`npx zhibu import`). */
  directory?(settings: S, deps: { logger: Logger }): Promise<ContactDirectory>;
  /** API calls a month the platform allows, when it limits them (DingTalk); `outbox stats` warns near it. */
  monthlyQuota?(settings: S): number | undefined;
  /** The start-up line when the platform is not configured: which variables enable it. */
  readonly notConfigured: string;
  create(settings: S, deps: AdapterDeps): Promise<PlatformAdapter>;
}

/** A platform's people by mobile number or email: its id of the kind the adapter addresses people by. */
export interface ContactDirectory {
  /** Throws (PlatformSendError) when the platform cannot be asked at all; people not found are left out. */
  resolve(query: { mobiles: string[]; emails: string[] }): Promise<{
    byMobile: Map<string, string>;
    byEmail: Map<string, string>;
    /** Why someone was not found, by mobile or email, when the platform says. */
    reasons: Map<string, string>;
  }>;
}

/** The configured adapters by name. */
export type PlatformSet = ReadonlyMap<PlatformName, PlatformAdapter>;
