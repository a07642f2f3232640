using System.Text.Json;
using System.Text.Json.Nodes;
using NnRnn.Experiments.Data;
using NnRnn.Golden;
using NnRnn.Tests.Data;
using Xunit;

namespace NnRnn.Tests;

/// <summary>
/// PTB parity (fixture ref_ptb_trajectory.json from scripts/fidelity/ref_ptb_trajectory.py: the
/// original language_task.py's own train() and evaluate(), run here): K truncated-BPTT updates
/// from recorded parameters on recorded rows through our PTB path, the hidden state carried across
/// windows, then the validation text evaluated; checked on both unroll paths against bounds from
/// our own measured float32 rounding.
/// </summary>
public sealed class PtbTrajectoryTests
{
    private static JsonObject Fixture() => JsonNode.Parse(File.ReadAllText(TestSupport.Fixture("ref_ptb_trajectory.json")))!.AsObject();

    /// <summary>The fixture reduced to one model's trajectory, changed by <paramref name="change"/>, checked.</summary>
    private static List<CaseResult> CheckOne(string net, Action<JsonObject> change)
        => GoldenFixtureChange.CheckOne("ref_ptb_trajectory.json", "ptb_trajectories", GoldenKind.PtbTrajectories, net, change);

    [Fact]
    public void ExpRnn_and_nnRnn_follow_the_original_language_task_on_both_unroll_paths()
    {
        var results = GoldenChecker.CheckFile(TestSupport.Fixture("ref_ptb_trajectory.json"));
        Assert.Equal(4, results.Count);   // expRNN, nnRNN × fused, step by step
        var failures = results.Where(r => !r.Passed).Select(r => r.Line()).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        foreach (var r in results)
        {
            var quantities = r.Quantities.Select(q => q.Quantity).ToList();
            Assert.Contains("loss(1..5)", quantities);
            Assert.Contains("valid_loss", quantities);
            Assert.Contains("after1.encoder.weight", quantities);
            Assert.Contains("after.decoder.weight", quantities);
            Assert.Contains(quantities, q => q is "after.rnn.log_recurrent_kernel" or "after.rnn.log_P");
            Assert.Contains(quantities, q => q is "after.rnn.recurrent_kernel" or "after.rnn.P");
        }
    }

    [Theory]
    [InlineData("expRNN", 0)]
    [InlineData("nnRNN", 3)]
    public void A_recorded_loss_changed_by_1e4_relative_fails_at_that_update(string net, int update)
    {
        var results = CheckOne(net, t =>
        {
            var losses = t["loss_per_update"]!.AsArray();
            losses[update] = losses[update]!.GetValue<double>() * (1 + 1e-4);
        });
        Assert.All(results, r => Assert.Contains(r.Quantities, q => q.Quantity == $"loss@{update + 1}" && !q.Passed));
    }

    [Theory]
    [InlineData("expRNN", "lr", 1.01e-3)]       // the main learning rate 1% off: embedding, input, decoder
    [InlineData("expRNN", "lr_orth", 1.01e-4)]  // the orthogonal one 1% off
    [InlineData("nnRNN", "Tdecay", 1e-3)]       // T's weight decay
    public void A_changed_hyper_parameter_fails(string net, string key, double value)
    {
        var results = CheckOne(net, t => t["hparams"]![key] = value);
        Assert.All(results, r => Assert.False(r.Passed, r.Line()));
    }

    [Fact]
    public void Our_mean_validation_loss_is_the_reference_value_times_rows_over_rows_minus_one()
    {
        // evaluate() divides the summed window losses by the text's rows, one more than the rows
        // predicted: a valid_loss recorded as a plain mean would fail by about 1/rows.
        var results = CheckOne("expRNN", t =>
        {
            long rows = t["valid_rows"]!.AsArray().Count;
            t["valid_loss"] = t["valid_loss"]!.GetValue<double>() * rows / (rows - 1);
        });
        Assert.All(results, r => Assert.Contains(r.Quantities, q => q.Quantity == "valid_loss" && !q.Passed));
    }

    [Fact]
    public void A_file_whose_rows_do_not_match_the_losses_is_rejected_with_one_line()
    {
        var doc = Fixture();
        doc["ptb_trajectories"]![0]!["loss_per_update"]!.AsArray().RemoveAt(0);
        using var json = JsonDocument.Parse(doc.ToJsonString(), new JsonDocumentOptions { MaxDepth = 256 });
        var ex = Assert.Throws<GoldenFileException>(() => new GoldenChecker(json.RootElement, "short.json"));
        Assert.Contains("ptb_trajectories[0].loss_per_update", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [FactRequiresFile(TestData.PtbValid)]
    public void Our_tokenizer_and_batchify_give_the_recorded_vocabulary_and_rows()
    {
        // The fixture reads ptb.char.valid.txt as its training text (scripts/fidelity/ptb_args.sh).
        var doc = Fixture();
        var path = TestData.Resolve(TestData.PtbValid);
        var corpus = PtbCorpus.Load(path, path, path);
        var vocabulary = doc["vocabulary"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Equal(vocabulary, corpus.Vocabulary.Tokens);
        var t = doc["ptb_trajectories"]![0]!;
        var rows = t["train_rows"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<long>()).ToArray()).ToArray();
        using var ours = PtbCorpus.Batchify(corpus.Train, t["sizes"]!["batch"]!.GetValue<int>());
        var head = ours.narrow(0, 0, rows.Length).data<long>().ToArray();
        Assert.Equal(rows.SelectMany(r => r).ToArray(), head);
    }
}
