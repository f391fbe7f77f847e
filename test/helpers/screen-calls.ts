import request from 'supertest';
import { BASE_PATH } from '../../src/app';
import type { App } from '../../src/http/serve';
import { bodyOf, type ScreenState } from './bodies';

/** What the screen shows now (GET /screen on the screen app). */
export const shownOn = async (screen: App): Promise<ScreenState> => bodyOf<ScreenState>(await request(screen).get('/screen'));

/** A person at the device: POST /screen/actions. */
export const actOn = (screen: App, body: Record<string, unknown>) => request(screen).post('/screen/actions').send(body);

export const DISPLAY_PATH = `${BASE_PATH}/display`;
export const PROMPT_PATH = `${BASE_PATH}/prompt`;

export const putDisplay = (app: App, token: string, body: unknown) =>
  request(app)
    .put(DISPLAY_PATH)
    .set('Authorization', token)
    .send(body as object);
export const postPrompt = (app: App, token: string, body: unknown) =>
  request(app)
    .post(PROMPT_PATH)
    .set('Authorization', token)
    .send(body as object);
export const getPrompt = (app: App, token: string, promptId: string, wait?: number) =>
  request(app)
    .get(PROMPT_PATH)
    .query({ promptId, ...(wait ? { wait: String(wait) } : {}) })
    .set('Authorization', token);
export const deletePrompt = (app: App, token: string, promptId: string) => request(app).delete(PROMPT_PATH).query({ promptId }).set('Authorization', token);
