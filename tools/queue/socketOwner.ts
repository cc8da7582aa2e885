/**
 * Which local process opened a loopback TCP connection, read from Linux's /proc while the connection is open: the
 * socket's inode from /proc/net/tcp (by both ports), then the process among `pids` holding that inode as a file
 * descriptor. Lets a server on 127.0.0.1 tell which n8n process (main or a worker) sent a request, whatever the
 * request says about itself.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');

/** The inode of the socket whose local end is `clientPort` and remote end `serverPort` (IPv4 or IPv6 loopback). */
function socketInode(clientPort: number, serverPort: number): string | undefined {
	const local = `:${hexPort(clientPort)}`;
	const remote = `:${hexPort(serverPort)}`;
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text = '';
		try {
			text = readFileSync(table, 'utf8');
		} catch {
			continue; // no IPv6 table on this machine
		}
		for (const line of text.split('\n').slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields[1]?.endsWith(local) && fields[2]?.endsWith(remote) && fields[9] && fields[9] !== '0') return fields[9];
		}
	}
	return undefined;
}

function holds(pid: number, link: string): boolean {
	let fds: string[];
	try {
		fds = readdirSync(`/proc/${pid}/fd`);
	} catch {
		return false; // the process is gone
	}
	return fds.some((fd) => {
		try {
			return readlinkSync(`/proc/${pid}/fd/${fd}`) === link;
		} catch {
			return false; // closed while we looked
		}
	});
}

/** The name (a key of `pids`) of the process that holds the connection from `clientPort` to `serverPort`; undefined if none. */
export function socketOwner(clientPort: number, serverPort: number, pids: Record<string, number>): string | undefined {
	const inode = socketInode(clientPort, serverPort);
	if (!inode) return undefined;
	return Object.entries(pids).find(([, pid]) => holds(pid, `socket:[${inode}]`))?.[0];
}
