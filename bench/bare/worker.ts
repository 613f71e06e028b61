// Comparison (a) for `npm run bench`: the floor of the local runtime. Reads the body (as
// every webhook handler must) and answers 200, touching no binding.
export default {
  async fetch(request: Request): Promise<Response> {
    await request.arrayBuffer();
    return Response.json({ status: "accepted" });
  },
} satisfies ExportedHandler;
