import { z } from 'zod';
import { Availability, CounterCommand, CounterEvent, CounterNotices, CounterState } from './messages.ts';
import { AlertsQuery, AlertView, AvailabilityReport, CounterView, EventsQuery, Health, LobbyView, LoginRequest, NoticeRequest, NoticeView, Office, ReportQuery, StoredEventView } from './api.ts';
import { TOPIC_ROOT } from './topics.ts';
import { DeviceRequest, ProvisionedDevice, SessionView } from './sessions.ts';
import { ApiErrorBody, BODY_ERRORS, errorResponses as errors } from './api-error-schema.ts';

/** Every message, by the name its JSON Schema file carries. */
export const MESSAGE_SCHEMAS = {
  CounterState,
  CounterEvent,
  Availability,
  CounterCommand,
  CounterNotices,
} as const;

/** JSON Schemas generated from the zod schemas, never written by hand. */
export function jsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(MESSAGE_SCHEMAS).map(([name, schema]) => [
      name,
      { $id: `https://okienko.invalid/schema/v1/${name}.json`, ...z.toJSONSchema(schema, { io: 'input' }) },
    ]),
  );
}

const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });

/** A query schema's fields as OpenAPI query parameters. */
function queryParameters(q: z.ZodType): Record<string, unknown>[] {
  return Object.entries((q as unknown as { shape: Record<string, z.ZodType> }).shape).map(([name, s]) => ({ name, in: 'query', required: false, schema: schema(s, 'input') }));
}

/** The HTTP API, described from the schemas it validates with (served at /api/openapi.json). */
export function openApiDocument(): Record<string, unknown> {
  const json = (s: z.ZodType) => ({ 'application/json': { schema: schema(s) } });
  const query = queryParameters(EventsQuery);
  const reportParams = queryParameters(ReportQuery);
  return {
    openapi: '3.1.0',
    info: { title: 'okienko bridge API', version: '1' },
    paths: {
      '/api/health': { get: { summary: 'Is the bridge connected; what it stored and rejected, by reason', responses: { 200: { description: 'health', content: json(Health) }, ...errors('public') } } },
      '/api/counters': { get: { summary: 'Every counter as the dashboard draws it', responses: { 200: { description: 'counters', content: json(z.array(CounterView)) }, ...errors('read') } } },
      '/api/events': {
        get: {
          summary: 'Stored events, filtered by site, counter, type and time (epoch ms or ISO 8601)',
          parameters: query,
          responses: { 200: { description: 'events in time order', content: json(z.array(StoredEventView)) }, ...errors('read', ['bad_query']) },
        },
      },
      '/api/reports/feedback': {
        get: {
          summary: 'Satisfaction per counter, clerk, site, day or hour (score 0-100, votes per face); misuse left out unless includeFlagged',
          parameters: reportParams,
          responses: { 200: { description: 'JSON, or CSV with format=csv' }, ...errors('read', ['bad_query']) },
        },
      },
      '/api/reports/availability': {
        get: {
          summary: 'Time in each state, share of open time staffed, and clients served, per counter, clerk, site or day (every counter known, over the whole period up to now)',
          parameters: reportParams,
          responses: { 200: { description: 'JSON, or CSV with format=csv', content: json(AvailabilityReport) }, ...errors('read', ['bad_query']) },
        },
      },
      '/api/alerts': {
        get: {
          summary: 'Alert history, newest first, by site, kind and when raised (open=true: those still holding)',
          parameters: queryParameters(AlertsQuery),
          responses: { 200: { description: 'alerts (JSON, or CSV with format=csv)', content: json(z.array(AlertView)) }, ...errors('read', ['bad_query']) },
        },
      },
      '/api/public/lobby': { get: { summary: 'The lobby board: what the counters\' own displays show, no login', responses: { 200: { description: 'lobby', content: json(LobbyView) }, ...errors('public') } } },
      '/api/public/office': { get: { summary: 'The office\'s time zone, for showing times', responses: { 200: { description: 'office', content: json(Office) }, ...errors('public') } } },
      '/api/alerts/{id}/ack': { post: { summary: 'Acknowledge an alert with a comment', responses: { 200: { description: 'the alert' }, ...errors('change', ['bad_comment', 'no_alert', ...BODY_ERRORS]) } } },
      '/api/notices': {
        get: { summary: 'Notices sent to displays, newest first (active=true: those showing now)', responses: { 200: { description: 'notices', content: json(z.array(NoticeView)) }, ...errors('read') } },
        post: {
          summary: "Send a notice to one counter's display, or every display at a site (no counter), for some minutes",
          requestBody: { required: true, content: { 'application/json': { schema: schema(NoticeRequest, 'input') } } },
          responses: { 201: { description: 'the notice', content: json(NoticeView) }, ...errors('change', ['bad_notice', ...BODY_ERRORS]) },
        },
      },
      '/api/notices/{id}': { delete: { summary: 'Take a notice down before its time', responses: { 200: { description: 'the notice', content: json(NoticeView) }, ...errors('change', ['no_notice']) } } },
      '/api/stream': {
        get: {
          summary: 'Server-Sent Events: `snapshot` (CounterView[]), then `counter` (CounterView) and `alert` (AlertView), and with events=true `event` (every stored event); `session_ended` (an Error body; then the stream ends) when the session does',
          parameters: [{ name: 'events', in: 'query', required: false, schema: { type: 'string', enum: ['true'] }, description: 'true: an `event` message for every stored event as well (the bench reads them; the dashboard does not)' }],
          responses: { 200: { description: 'text/event-stream' }, ...errors('read') },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'Sign in: sets the session cookie (HttpOnly) and the CSRF cookie, whose value state-changing requests echo in x-csrf-token',
          requestBody: { required: true, content: { 'application/json': { schema: schema(LoginRequest, 'input') } } },
          responses: { 200: { description: 'who signed in, and the CSRF token' }, ...errors('public', ['bad_login', 'too_many_attempts', ...BODY_ERRORS]) },
        },
      },
      '/api/users': {
        post: { summary: 'Add a user, or give one a new password (and role): shown once; their sessions end (admins)', responses: { 201: { description: 'username, role and password' }, ...errors('change', ['bad_user', ...BODY_ERRORS]) } },
      },
      '/api/sessions': {
        get: {
          summary: "The signed-in user's live sessions; admins: ?user=NAME, or ?all=true for everyone's",
          responses: { 200: { description: 'sessions, newest first', content: json(z.array(SessionView)) }, ...errors('read') },
        },
      },
      '/api/sessions/{id}': {
        delete: { summary: 'End a session (one\'s own; admins: any)', responses: { 200: { description: 'ended' }, ...errors('change', ['no_such_session']) } },
      },
      '/api/users/{username}': {
        delete: {
          summary: 'Remove a user (admins); their sessions end',
          responses: { 200: { description: 'removed' }, ...errors('change', ['no_such_user', 'cannot_remove_self']) },
        },
      },
      '/api/devices': {
        post: {
          summary: "A counter's broker credentials (admins; the bridge keeps the broker's password file); replace: true to replace a counter's that has them",
          requestBody: { required: true, content: { 'application/json': { schema: schema(DeviceRequest, 'input') } } },
          responses: {
            201: { description: 'username and password, shown once' },
            ...errors('change', ['bad_device', 'device_has_credentials', 'no_password_file', ...BODY_ERRORS]),
          },
        },
      },
      '/api/devices/credentials': {
        get: { summary: 'The counters the password file lets in, and whether each was ever seen', responses: { 200: { description: 'provisioned counters', content: json(z.array(ProvisionedDevice)) }, ...errors('read', ['no_password_file']) } },
      },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain; version=0.0.4' }, ...errors('public') } } },
    },
    components: { schemas: { Error: schema(ApiErrorBody) } },
  };
}

/** The MQTT topics, described from the protocol's schemas (served at /api/asyncapi.json). */
export function asyncApiDocument(): Record<string, unknown> {
  const parameters = { site: { description: 'site id' }, counter: { description: 'counter id' } };
  const channel = (kind: string, message: string, description: string) => ({
    address: `${TOPIC_ROOT}/{site}/{counter}/${kind}`,
    description,
    parameters,
    messages: { [message]: { $ref: `#/components/messages/${message}` } },
  });
  return {
    asyncapi: '3.0.0',
    info: { title: 'okienko counter protocol', version: '1' },
    channels: {
      state: channel('state', 'CounterState', 'Retained: the counter\'s current state.'),
      event: channel('event', 'CounterEvent', 'QoS 1: every state change, vote and sign-in, once each by id.'),
      availability: channel('availability', 'Availability', 'Retained: online, or offline (also the last will).'),
      command: channel('command', 'CounterCommand', 'QoS 1: from the central side to one counter.'),
      notice: channel('notice', 'CounterNotices', 'Retained, from the central side: every notice to show on this counter\'s display now.'),
    },
    operations: {
      publishState: { action: 'send', channel: { $ref: '#/channels/state' } },
      publishEvent: { action: 'send', channel: { $ref: '#/channels/event' } },
      publishAvailability: { action: 'send', channel: { $ref: '#/channels/availability' } },
      receiveCommand: { action: 'receive', channel: { $ref: '#/channels/command' } },
      receiveNotices: { action: 'receive', channel: { $ref: '#/channels/notice' } },
    },
    components: {
      messages: Object.fromEntries(Object.entries(MESSAGE_SCHEMAS).map(([name, s]) => [name, { name, contentType: 'application/json', payload: schema(s, 'input') }])),
    },
  };
}
