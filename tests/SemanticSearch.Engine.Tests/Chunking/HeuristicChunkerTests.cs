using SemanticSearch.Engine.Chunking;

namespace SemanticSearch.Engine.Tests.Chunking;

public class HeuristicChunkerTests
{
    private static List<(ChunkKind Kind, string? Symbol, string? Container)> Found(string file) =>
        [.. Fixtures.Chunk(file).Where(c => c.Kind != ChunkKind.TopLevel).Select(c => (c.Kind, c.Symbol, c.Container)).Distinct()];

    [Fact]
    public void Python()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Class, "Item", null),
            (ChunkKind.Class, "Inventory", null),
            (ChunkKind.Method, "__init__", "Inventory"),
            (ChunkKind.Method, "add", "Inventory"),
            (ChunkKind.Method, "total", "Inventory"),
            (ChunkKind.Method, "reorder_low_stock", "Inventory"),
            (ChunkKind.Class, "Snapshot", "Inventory"),
            (ChunkKind.Method, "__init__", "Inventory.Snapshot"),
            (ChunkKind.Function, "parse_csv", null),
        ];
        Assert.Equal(expected, Found("inventory.py"));

        var chunks = Fixtures.Chunk("inventory.py");
        var add = chunks.Single(ChunkKind.Method, "add");
        Assert.Equal(new SourceRange(35, 5, 39, 20), add.Range);
        Assert.Equal("def add(self, sku: str, quantity: int) -> Item", add.Signature);
        Assert.Equal("Add ``quantity`` units of ``sku``, creating the item if needed.", add.Documentation);

        // Multi-line signature, multi-line docstring, nested def and a blank line inside the body.
        var reorder = chunks.Single(ChunkKind.Method, "reorder_low_stock");
        Assert.Equal((46, 66), (reorder.Range.StartLine, reorder.Range.EndLine));
        Assert.Equal("async def reorder_low_stock( self, supplier, minimum: int | None = None, ) -> list[str]", reorder.Signature);
        Assert.Equal("Ask the supplier to restock every item below the threshold.\n\nReturns the SKUs that were reordered.", reorder.Documentation);
        Assert.Contains("def amount(it):", reorder.Text, StringComparison.Ordinal);

        // Decorators belong to the definition; a leading # comment is the doc when there is no docstring.
        var total = chunks.Single(ChunkKind.Method, "total");
        Assert.StartsWith("    @property", total.Text, StringComparison.Ordinal);
        Assert.Equal(41, total.Range.StartLine);
        Assert.Equal("Parses a CSV export from the legacy system.", chunks.Single(ChunkKind.Function, "parse_csv").Documentation);

        var inventory = chunks.Single(ChunkKind.Class, "Inventory");
        Assert.Contains("reorder_threshold = 5", inventory.Text, StringComparison.Ordinal);
        Assert.Contains("    def add(self, sku: str, quantity: int) -> Item", inventory.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("item.quantity += quantity", inventory.Text, StringComparison.Ordinal);
        Assert.StartsWith("Tracks quantities per SKU", inventory.Documentation, StringComparison.Ordinal);

        // Module-level code with substance becomes TopLevel; the __main__ block too.
        var top = chunks.Where(c => c.Kind == ChunkKind.TopLevel).ToList();
        Assert.Equal(2, top.Count);
        Assert.Contains("DEFAULT_LOCATIONS", top[0].Text, StringComparison.Ordinal);
        Assert.Contains("inventory.add(\"A-1\", 10)", top[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void JavaScript()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Function, "cartTotal", null),
            (ChunkKind.Function, "debounce", null),
            (ChunkKind.Class, "CartStore", null),
            (ChunkKind.Method, "constructor", "CartStore"),
            (ChunkKind.Method, "add", "CartStore"),
            (ChunkKind.Method, "count", "CartStore"),
            (ChunkKind.Method, "onChange", "CartStore"),
            (ChunkKind.Method, "save", "CartStore"),
            (ChunkKind.Function, "pages", null),
        ];
        Assert.Equal(expected, Found("cart.js"));
        var chunks = Fixtures.Chunk("cart.js");
        var total = chunks.Single(ChunkKind.Function, "cartTotal");
        Assert.Equal((4, 11), (total.Range.StartLine, total.Range.EndLine));
        Assert.Equal("export function cartTotal(items)", total.Signature);
        Assert.StartsWith("Computes the cart total including discounts.\n@param", total.Documentation, StringComparison.Ordinal);
        Assert.Equal("Debounces a function: calls it once the user stops typing.", chunks.Single(ChunkKind.Function, "debounce").Documentation);
        // The "}" inside the string literal does not end save() early.
        var save = chunks.Single(ChunkKind.Method, "save");
        Assert.Equal((49, 52), (save.Range.StartLine, save.Range.EndLine));
        Assert.Equal("Adds an item and saves the cart.", chunks.Single(ChunkKind.Method, "add").Documentation);
        var store = chunks.Single(ChunkKind.Class, "CartStore");
        Assert.Contains("#items = [];", store.Text, StringComparison.Ordinal);
        Assert.Contains("async save()", store.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("JSON.stringify", store.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeScript()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Class, "Method", null),
            (ChunkKind.Class, "Route", null),
            (ChunkKind.Class, "Router", null),
            (ChunkKind.Method, "constructor", "Router"),
            (ChunkKind.Method, "get", "Router"),
            (ChunkKind.Method, "match", "Router"),
            (ChunkKind.Method, "normalize", "Router"),
            (ChunkKind.Function, "matchPath", null),
            (ChunkKind.Function, "createRouter", null),
        ];
        Assert.Equal(expected, Found("router.ts"));
        var chunks = Fixtures.Chunk("router.ts");
        // An interface of signatures only is kept whole.
        var route = chunks.Single(ChunkKind.Class, "Route");
        Assert.Contains("handler(req: Request, res: Response): Promise<void>;", route.Text, StringComparison.Ordinal);
        Assert.Equal("export class Router<TContext = unknown>", chunks.Single(ChunkKind.Class, "Router").Signature);
        Assert.Equal("public match(method: Method, path: string): Route | undefined", chunks.Single(ChunkKind.Method, "match").Signature);
        Assert.Equal("export const createRouter = async <T,>(context: T): Promise<Router<T>> =>",
            chunks.Single(ChunkKind.Function, "createRouter").Signature);
    }

    [Fact]
    public void Go()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Class, "Entry", null),
            (ChunkKind.Class, "Cache", null),
            (ChunkKind.Function, "New", null),
            (ChunkKind.Method, "Get", "Cache"),
            (ChunkKind.Method, "Put", "Cache"),
            (ChunkKind.Method, "Len", "Cache"),
        ];
        Assert.Equal(expected, Found("cache.go"));
        var chunks = Fixtures.Chunk("cache.go");
        var get = chunks.Single(ChunkKind.Method, "Get");
        Assert.Equal("func (c *Cache) Get(key string) ([]byte, bool)", get.Signature);
        Assert.Equal("Get returns the value for key if present and not expired.", get.Documentation);
        Assert.Equal((30, 39), (get.Range.StartLine, get.Range.EndLine));
        Assert.Equal("Cache is a thread-safe LRU cache.\nThe zero value is not usable; call New.", chunks.Single(ChunkKind.Class, "Cache").Documentation);
        // The raw string with a brace is not a block, and the one-line method is found.
        Assert.Equal(new SourceRange(57, 1, 57, 51), chunks.Single(ChunkKind.Method, "Len").Range);
    }

    [Fact]
    public void Java()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Class, "InvoiceService", null),
            (ChunkKind.Method, "InvoiceService", "InvoiceService"),
            (ChunkKind.Method, "total", "InvoiceService"),
            (ChunkKind.Method, "toString", "InvoiceService"),
            (ChunkKind.Method, "send", "InvoiceService"),
            (ChunkKind.Class, "InvoiceLine", "InvoiceService"),
            (ChunkKind.Class, "Mailer", "InvoiceService"),
        ];
        Assert.Equal(expected, Found("InvoiceService.java"));
        var chunks = Fixtures.Chunk("InvoiceService.java");
        var total = chunks.Single(ChunkKind.Method, "total");
        Assert.Equal("Sums the line amounts of an invoice.\n@param lines the invoice lines\n@return the total amount", total.Documentation);
        Assert.Equal("public BigDecimal total(List<InvoiceLine> lines)", total.Signature);
        // Annotation lines belong to the method; "throws" on the next line continues the header.
        var toString = chunks.Single(ChunkKind.Method, "toString");
        Assert.StartsWith("    @Override", toString.Text, StringComparison.Ordinal);
        Assert.Equal("public void send(Invoice invoice, String email) throws java.io.IOException", chunks.Single(ChunkKind.Method, "send").Signature);
        var service = chunks.Single(ChunkKind.Class, "InvoiceService");
        Assert.Contains("private static final String TEMPLATE = \"Invoice {number}\";", service.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rust()
    {
        var chunks = Fixtures.Chunk("geometry.rs");
        var found = Found("geometry.rs");
        Assert.Contains((ChunkKind.Method, "new", "Point"), found);
        Assert.Contains((ChunkKind.Method, "distance", "Point"), found);
        Assert.Contains((ChunkKind.Method, "fmt", "Point"), found);
        Assert.Contains((ChunkKind.Function, "longest", null), found);
        Assert.Contains((ChunkKind.Function, "distance_is_symmetric", "tests"), found);
        // struct Point, impl Point and impl Display for Point: three chunks, three ids.
        var points = chunks.Where(c => c.Kind == ChunkKind.Class && c.Symbol == "Point").ToList();
        Assert.Equal(3, points.Select(c => c.Id).Distinct().Count());
        Assert.Equal("impl fmt::Display for Point", points[2].Signature);
        var point = points[0];
        Assert.StartsWith("/// A point in the plane.\n#[derive(Debug", point.Text, StringComparison.Ordinal);
        Assert.Equal("A point in the plane.", point.Documentation);
        // Lifetimes are not char literals, and the raw string's brace does not count.
        var longest = chunks.Single(ChunkKind.Function, "longest");
        Assert.Equal((32, 37), (longest.Range.StartLine, longest.Range.EndLine));
        Assert.Equal("Longest string of two, showing lifetimes: 'a is not a char literal.", longest.Documentation);
    }

    [Fact]
    public void Ruby()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Class, "Notifications", null),
            (ChunkKind.Class, "Mailer", "Notifications"),
            (ChunkKind.Method, "initialize", "Notifications.Mailer"),
            (ChunkKind.Method, "deliver", "Notifications.Mailer"),
            (ChunkKind.Method, "welcome_body", "Notifications.Mailer"),
            (ChunkKind.Method, "send_mail", "Notifications.Mailer"),
            (ChunkKind.Function, "format_recipients", null),
        ];
        Assert.Equal(expected, Found("mailer.rb"));
        var chunks = Fixtures.Chunk("mailer.rb");
        // begin/rescue/end inside, a modifier "if", and a heredoc containing "def ... end" do not confuse the ends.
        Assert.Equal((15, 25), Lines(chunks.Single(ChunkKind.Method, "deliver")));
        Assert.Equal((27, 35), Lines(chunks.Single(ChunkKind.Method, "welcome_body")));
        Assert.Equal((41, 45), Lines(chunks.Single(ChunkKind.Method, "send_mail")));
        Assert.Equal("Delivers a message, retrying up to three times.", chunks.Single(ChunkKind.Method, "deliver").Documentation);
        var mailer = chunks.Single(ChunkKind.Class, "Mailer");
        Assert.Equal("Sends transactional e-mails.\nRetries transient SMTP failures.", mailer.Documentation);
        Assert.Contains("def valid_address?(address) = address.include?(\"@\")", mailer.Text, StringComparison.Ordinal);
        Assert.Equal((5, 46), Lines(mailer));
    }

    [Fact]
    public void Php()
    {
        (ChunkKind, string?, string?)[] expected =
        [
            (ChunkKind.Class, "UserController", null),
            (ChunkKind.Method, "show", "UserController"),
            (ChunkKind.Method, "update", "UserController"),
            (ChunkKind.Function, "slugify", null),
        ];
        Assert.Equal(expected, Found("UserController.php"));
        var chunks = Fixtures.Chunk("UserController.php");
        var show = chunks.Single(ChunkKind.Method, "show");
        Assert.Equal((15, 25), Lines(show));
        Assert.Equal("Shows a user's profile.\n@param int $id the user id", show.Documentation);
        Assert.Equal("public function show(int $id)", show.Signature);
    }

    [Fact]
    public void CppAndKotlin()
    {
        var cpp = Fixtures.Chunk("matrix.cpp");
        Assert.Contains(cpp, c => c is { Kind: ChunkKind.Method, Symbol: "at", Container: "linalg.Matrix" });
        Assert.Contains(cpp, c => c is { Kind: ChunkKind.Method, Symbol: "Matrix", Container: "linalg.Matrix" });
        var multiply = cpp.Single(ChunkKind.Function, "multiply");
        Assert.Equal("linalg", multiply.Container);
        Assert.Equal((26, 32), Lines(multiply));
        Assert.Equal("Multiplies two matrices; throws when the shapes do not match.", multiply.Documentation);

        var kotlin = Fixtures.Chunk("Scheduler.kt");
        Assert.Contains(kotlin, c => c is { Kind: ChunkKind.Method, Symbol: "schedule", Container: "Scheduler" });
        Assert.Contains(kotlin, c => c is { Kind: ChunkKind.Method, Symbol: "runForever", Container: "Scheduler" });
        Assert.Contains(kotlin, c => c is { Kind: ChunkKind.Class, Symbol: "Job" });
        var extension = Assert.Single(kotlin, c => c.Symbol == "toJobName");
        Assert.Equal("String", extension.Container);
    }

    [Theory]
    [InlineData("inventory.py", "item.quantity += quantity", "item.quantity += int(quantity)", "add")]
    [InlineData("InvoiceService.java", "sum = sum.add(line.amount());", "sum = sum.add(line.amount().abs());", "total")]
    [InlineData("mailer.rb", "send_mail(to, subject, body)\n      rescue", "send_mail(to, subject, body.strip)\n      rescue", "deliver")]
    public void EditingOneBodyChangesOnlyThatChunk(string name, string from, string to, string symbol)
    {
        var original = Fixtures.Load(name);
        var edited = original with { Text = original.Text.Replace(from, to, StringComparison.Ordinal) };
        Assert.NotEqual(original.Text, edited.Text);
        var set = new ChunkerSet(new WordTokenCounter(), new ChunkingOptions(2000));
        var before = set.ChunkFile(original).ToDictionary(c => c.Id);
        var after = set.ChunkFile(edited).ToDictionary(c => c.Id);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        var changed = after.Values.Where(c => before[c.Id].ContentHash != c.ContentHash).Select(c => c.Symbol).ToList();
        Assert.Equal([symbol], changed);
    }

    private static (int, int) Lines(Chunk chunk) => (chunk.Range.StartLine, chunk.Range.EndLine);
}
