import dns2 from "dns2";

const { Packet } = dns2;

/** Records by name (lower case, no trailing dot): TXT values (each one record, split into 255-byte strings) and A addresses. */
export type Zone = Record<string, { TXT?: string[]; A?: string[] }>;

export interface TestDnsServer {
  port: number;
  /** For DNS_SERVERS or Resolver.setServers. */
  servers: string[];
  zone: Zone;
  /** Questions asked, as "TYPE name". */
  asked: string[];
  close(): Promise<void>;
}

/** A TXT value as DNS character-strings of at most 255 bytes (a DKIM key is longer). */
function characterStrings(value: string): string[] {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(value.slice(i, i + 255));
  return parts.length ? parts : [""];
}

/**
 * A DNS server on 127.0.0.1 (UDP and TCP on one port) answering from `zone`: NXDOMAIN for a
 * name it does not hold, an empty answer for a type the name lacks. The zone may change while it runs.
 */
export async function startDnsServer(zone: Zone): Promise<TestDnsServer> {
  const asked: string[] = [];
  const handle: dns2.DnsHandler = (request, send) => {
    const response = Packet.createResponseFromRequest(request);
    const [question] = request.questions;
    if (!question) return send(response);
    const name = question.name.toLowerCase().replace(/\.$/, "");
    const typeName = question.type === Packet.TYPE.TXT ? "TXT" : question.type === Packet.TYPE.A ? "A" : String(question.type);
    asked.push(`${typeName} ${name}`);
    const entry = zone[name];
    if (!entry) {
      response.header.rcode = 3; // NXDOMAIN
      return send(response);
    }
    if (question.type === Packet.TYPE.TXT)
      for (const value of entry.TXT ?? [])
        response.answers.push({
          name: question.name,
          type: Packet.TYPE.TXT,
          class: Packet.CLASS.IN,
          ttl: 60,
          data: characterStrings(value),
        } as never);
    if (question.type === Packet.TYPE.A)
      for (const address of entry.A ?? [])
        response.answers.push({ name: question.name, type: Packet.TYPE.A, class: Packet.CLASS.IN, ttl: 60, address } as never);
    send(response);
  };
  const udp = dns2.createServer({ udp: true, handle });
  const addresses = await udp.listen({ udp: { port: 0, address: "127.0.0.1" } });
  const port = addresses.udp!.port;
  const tcp = dns2.createServer({ tcp: true, handle });
  await tcp.listen({ tcp: { port, address: "127.0.0.1" } });
  return {
    port,
    servers: [`127.0.0.1:${port}`],
    zone,
    asked,
    close: async () => {
      await Promise.all([udp.close(), tcp.close()]);
    },
  };
}
