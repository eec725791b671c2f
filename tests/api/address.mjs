// A Client that connects from another loopback address (127.0.0.2, 127.0.0.3, …), so that
// one test can play several clients the server tells apart by address. Linux routes all of
// 127.0.0.0/8 to the loopback interface; node's fetch cannot pick a source address, so this
// speaks node:http.
import http from 'node:http';

import { Client } from './lib.mjs';

export class AddressClient extends Client {
	/** localAddress: the source address, e.g. '127.0.0.2'. */
	constructor(base, localAddress, opts) {
		super(base, opts);
		this.localAddress = localAddress;
	}

	req(method, path, opts = {}) {
		const headers = { ...(opts.headers || {}) };
		const lang = opts.lang ?? this.lang;
		if (lang) headers['Accept-Language'] = lang;
		if (this.cookie && opts.cookie !== false) headers.Cookie = `fk_session=${this.cookie}`;
		if (method !== 'GET' && method !== 'HEAD') {
			const tok = opts.csrf === undefined ? this.csrf : opts.csrf;
			if (tok) headers['X-CSRF-Token'] = tok;
		}
		let body;
		if (opts.body !== undefined) {
			body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
			headers['Content-Type'] = 'application/json';
			headers['Content-Length'] = Buffer.byteLength(body);
		}
		return new Promise((resolve, reject) => {
			const rq = http.request(
				this.base + path,
				{ method, headers, localAddress: this.localAddress, agent: false },
				(res) => {
					const chunks = [];
					res.on('data', (d) => chunks.push(d));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						let json = null;
						try {
							json = text ? JSON.parse(text) : null;
						} catch {
							json = null;
						}
						const setCookie = res.headers['set-cookie'] || [];
						for (const c of setCookie) {
							const m = /^fk_session=([^;]*)/.exec(c);
							if (m) this.cookie = m[1] || null;
						}
						resolve({ status: res.statusCode, headers: res.headers, body: json, text, setCookie });
					});
				},
			);
			rq.on('error', reject);
			rq.end(body);
		});
	}
}
