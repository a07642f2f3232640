namespace NnRnn.Cells;

/// <summary>The recurrent networks of the paper (<c>--net-type</c>; spellings in <see cref="SeedNames"/>).</summary>
public enum NetType
{
    /// <summary>Vanilla RNN, trained without constraint.</summary>
    Rnn,

    /// <summary>Vanilla RNN whose recurrent matrix starts orthogonal.</summary>
    RnnOrth,

    /// <summary>expRNN: orthogonal recurrent matrix expm(skew) throughout training.</summary>
    ExpRnn,

    /// <summary>The non-normal RNN (Kerg et al. 2019).</summary>
    NnRnn,

    /// <summary>The reference's LSTM (gate input cat(h, x)).</summary>
    Lstm,

    /// <summary>Efficient unitary RNN (Jing et al. 2017).</summary>
    Eurnn,
}
